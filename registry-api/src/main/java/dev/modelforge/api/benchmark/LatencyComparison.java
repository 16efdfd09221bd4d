package dev.modelforge.api.benchmark;

import java.util.List;

/**
 * Variant-versus-baseline latency, measured interleaved (A B, B A, …) so both see the same machine noise,
 * repeated in several fresh processes because each process (memory placement, JIT, what else runs on the
 * machine meanwhile) shifts the ratio a little. Below 1 means the variant is faster.
 *
 * <p>Each process yields one ratio (the median of its per-round ratios); {@code ratio} is their median (a
 * process that happens to run one model slower throughout must not move it much). Both intervals are
 * t intervals in log space whose standard error combines the spread between the job's processes (t with
 * k−1 degrees of freedom for k processes, so few processes give honestly wide intervals) and a configured
 * job-level spread that the processes of one job share and cannot show (the machine's state during the job):
 * <ul>
 *   <li>{@code ciLow..ciHigh} — confidence interval of the ratio on this hardware: use it to decide
 *       whether the variant is faster;</li>
 *   <li>{@code predictionLow..predictionHigh} — where the {@code ratio} of a repeated job with the same
 *       number of processes is expected to fall, with the same confidence (√2 wider than the CI, because
 *       the repeat has its own error). Use it to tell whether a re-benchmark really changed.</li>
 * </ul>
 * Results stored before the prediction interval existed carry null in the last three components.
 *
 * @param baselineVariantId  the baseline variant measured alongside; null when run outside the registry
 * @param processes          fresh processes the rounds were spread over
 * @param rounds             interleaved rounds in total
 * @param ratio              median of the per-process ratios variant / baseline
 * @param ciLow              lower bound of the confidence interval of the ratio
 * @param ciHigh             upper bound of the confidence interval of the ratio
 * @param confidenceLevel    confidence of both intervals, e.g. 0.95
 * @param baselineLatency    the baseline's latency distribution in the same run
 * @param variantLatency     the variant's latency distribution in the same run
 * @param processRatios      each process's ratio (median of its round ratios), in run order; null on old results
 * @param predictionLow      lower bound of the prediction interval of a repeated job's ratio; null on old results
 * @param predictionHigh     upper bound of the prediction interval of a repeated job's ratio; null on old results
 */
public record LatencyComparison(String baselineVariantId, int processes, int rounds, double ratio, double ciLow, double ciHigh,
                                double confidenceLevel, LatencyStats baselineLatency, LatencyStats variantLatency,
                                List<Double> processRatios, Double predictionLow, Double predictionHigh) {

    /** Immutable per-process ratios; null stays null (results stored before they were recorded). */
    public LatencyComparison {
        processRatios = processRatios == null ? null : List.copyOf(processRatios);
    }
}
