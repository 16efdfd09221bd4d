package dev.modelforge.api.benchmark;

/**
 * Variant-versus-baseline latency, measured interleaved in one process (A B, B A, …) so both see the
 * same machine noise. The ratio is the median of per-round ratios variant/baseline at batch 1; below 1
 * means the variant is faster.
 *
 * @param baselineVariantId  the baseline variant measured alongside; null when run outside the registry
 * @param rounds             interleaved rounds
 * @param ratio              median per-round latency ratio variant / baseline
 * @param ciLow              lower bound of the bootstrap confidence interval of the ratio
 * @param ciHigh             upper bound of the bootstrap confidence interval of the ratio
 * @param confidenceLevel    confidence of the interval, e.g. 0.95
 * @param baselineLatency    the baseline's latency distribution in the same run
 * @param variantLatency     the variant's latency distribution in the same run
 */
public record LatencyComparison(Long baselineVariantId, int rounds, double ratio, double ciLow, double ciHigh,
                                double confidenceLevel, LatencyStats baselineLatency, LatencyStats variantLatency) {
}
