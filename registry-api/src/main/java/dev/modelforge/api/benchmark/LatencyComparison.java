package dev.modelforge.api.benchmark;

/**
 * Variant-versus-baseline latency, measured interleaved (A B, B A, …) so both see the same machine noise,
 * repeated in several fresh processes because each process (memory placement, JIT) shifts the ratio a
 * little. The ratio is the median of all per-round ratios variant/baseline; below 1 means the variant is
 * faster. The interval is a two-level bootstrap (processes, then rounds), so a repeated job is expected
 * to land inside it.
 *
 * @param baselineVariantId  the baseline variant measured alongside; null when run outside the registry
 * @param processes          fresh processes the rounds were spread over
 * @param rounds             interleaved rounds in total
 * @param ratio              median per-round latency ratio variant / baseline
 * @param ciLow              lower bound of the bootstrap confidence interval of the ratio
 * @param ciHigh             upper bound of the bootstrap confidence interval of the ratio
 * @param confidenceLevel    confidence of the interval, e.g. 0.95
 * @param baselineLatency    the baseline's latency distribution in the same run
 * @param variantLatency     the variant's latency distribution in the same run
 */
public record LatencyComparison(String baselineVariantId, int processes, int rounds, double ratio, double ciLow, double ciHigh,
                                double confidenceLevel, LatencyStats baselineLatency, LatencyStats variantLatency) {
}
