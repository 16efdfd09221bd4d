package dev.modelforge.api.promotion;

/**
 * One candidate of {@code GET /api/v1/models/{name}/versions/{version}/pareto}.
 *
 * @param variantId        the variant
 * @param recipe           its recipe label
 * @param baseline         whether it is the unmodified original
 * @param benchmarked      whether it has a completed (ok) benchmark on the profile
 * @param failure          why its benchmark failed, or null
 * @param p50LatencyMillis median batch-1 latency, or null
 * @param p95LatencyMillis p95 batch-1 latency, or null
 * @param sizeBytes        artifact size
 * @param accuracyPercent  accuracy (or fidelity) in percent, or null
 * @param paretoOptimal    no other candidate is at least as good on latency, size and accuracy and better on one
 */
public record ParetoPoint(String variantId, String recipe, boolean baseline, boolean benchmarked, String failure,
                          Double p50LatencyMillis, Double p95LatencyMillis, long sizeBytes, Double accuracyPercent,
                          boolean paretoOptimal) {
}
