package dev.modelforge.registry.promotion;

/**
 * What a completed benchmark of one variant on one profile says, reduced to what policies decide on.
 *
 * @param emulated               measured on hardware that does not match the profile
 * @param p50LatencyMillis       median latency at batch 1
 * @param p95LatencyMillis       95th percentile latency at batch 1
 * @param latencyRatioVsBaseline paired (interleaved) latency ratio variant / baseline, or null when not paired
 * @param latencyRatioCiHigh     upper end of that ratio's 95% confidence interval, or null
 * @param sizeBytes              artifact size
 * @param peakMemoryMb           peak resident memory of a process serving it, or null when not measured
 * @param accuracyPercent        accuracy (top-1) or fidelity (top-1 agreement) in percent, or null when not measured
 */
public record Measurement(boolean emulated, double p50LatencyMillis, double p95LatencyMillis,
                          Double latencyRatioVsBaseline, Double latencyRatioCiHigh, long sizeBytes,
                          Double peakMemoryMb, Double accuracyPercent) {
}
