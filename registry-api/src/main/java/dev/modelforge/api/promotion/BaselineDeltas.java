package dev.modelforge.api.promotion;

/**
 * How a variant compares with the unmodified original of its version on the same profile.
 *
 * @param baselineVariantId   the baseline variant
 * @param latencyRatio        variant / baseline latency: the paired (interleaved) ratio when measured, else the ratio
 *                            of p50s; below 1 is faster; null when either is unmeasured
 * @param latencyRatioCiLow   lower end of the paired ratio's confidence interval, or null
 * @param latencyRatioCiHigh  upper end, or null
 * @param sizeRatio           variant size / baseline size
 * @param accuracyDeltaPoints variant minus baseline accuracy (or fidelity) in percentage points, or null
 */
public record BaselineDeltas(String baselineVariantId, Double latencyRatio, Double latencyRatioCiLow,
                             Double latencyRatioCiHigh, Double sizeRatio, Double accuracyDeltaPoints) {
}
