package dev.modelforge.cli;

import dev.modelforge.api.benchmark.AccuracyMetrics;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.RegistryClientException;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.CandidateVerdict;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionOutcome;
import java.util.List;

/**
 * One row of the per-device summary: the policy's decision for a version on a profile and the numbers behind it.
 * Metrics of a promoted (or kept) variant come from the best-variant query, which carries the paired latency ratio;
 * those of a pending winner from the version's Pareto candidates.
 *
 * @param device              profile
 * @param outcome             the decision
 * @param promotionId         the decision's id (what {@code modelforge approve} takes)
 * @param version             model version of the serving/winning variant, or null
 * @param variantId           that variant, or null when nothing is eligible
 * @param recipe              its recipe label
 * @param sizeBytes           its size
 * @param p95LatencyMillis    its batch-1 p95 on the profile
 * @param accuracyPercent     top-1 accuracy (or agreement with the baseline) in percent
 * @param latencyRatio        latency vs the baseline, below 1 is faster
 * @param sizeRatio           size vs the baseline
 * @param accuracyDeltaPoints accuracy minus the baseline's, in points
 * @param emulated            measured in emulation (the profile's threads and memory on this machine's CPU)
 * @param reason              why, as the registry recorded it
 * @param rejected            the candidates that were not eligible, with their reasons
 */
record DeviceOutcome(String device, PromotionOutcome outcome, String promotionId, Integer version, String variantId,
                     String recipe, Long sizeBytes, Double p95LatencyMillis, Double accuracyPercent,
                     Double latencyRatio, Double sizeRatio, Double accuracyDeltaPoints, Boolean emulated,
                     String reason, List<CandidateVerdict> rejected) {

    static DeviceOutcome of(RegistryClient client, String model, int version, Promotion decision) {
        List<CandidateVerdict> rejected = decision.verdicts().stream().filter(v -> !v.eligible()).toList();
        boolean serving = decision.outcome() == PromotionOutcome.PROMOTED
                || decision.outcome() == PromotionOutcome.KEPT_CHAMPION;
        if (serving) {
            try {
                BestVariant best = client.best(model, decision.device());
                if (best.variantId().equals(decision.variantId())) {
                    return fromBest(decision, best, rejected);
                }
            } catch (RegistryClientException e) {
                // Changed again since the decision (a rollback, say): fall back to the version's own numbers.
            }
        }
        if (decision.variantId() != null && decision.version() != null && decision.version() == version) {
            List<ParetoPoint> points = client.pareto(model, version, decision.device());
            ParetoPoint winner = points.stream().filter(p -> p.variantId().equals(decision.variantId())).findFirst()
                    .orElse(null);
            ParetoPoint baseline = points.stream().filter(ParetoPoint::baseline).findFirst().orElse(null);
            if (winner != null) {
                return new DeviceOutcome(decision.device(), decision.outcome(), decision.id(), decision.version(),
                        decision.variantId(), decision.recipe(), winner.sizeBytes(), winner.p95LatencyMillis(),
                        winner.accuracyPercent(), baseline == null ? null : ratio(winner.p50LatencyMillis(),
                        baseline.p50LatencyMillis()), baseline == null ? null : ratio((double) winner.sizeBytes(),
                        (double) baseline.sizeBytes()), baseline == null ? null : minus(winner.accuracyPercent(),
                        baseline.accuracyPercent()), null, decision.reason(), rejected);
            }
        }
        return new DeviceOutcome(decision.device(), decision.outcome(), decision.id(), decision.version(),
                decision.variantId(), decision.recipe(), null, null, null, null, null, null, null, decision.reason(),
                rejected);
    }

    static DeviceOutcome fromBest(Promotion decision, BestVariant best, List<CandidateVerdict> rejected) {
        BenchmarkResult bench = best.benchmark();
        var d = best.deltas();
        return new DeviceOutcome(decision.device(), decision.outcome(), decision.id(), best.version(),
                best.variantId(), best.recipe() == null ? decision.recipe() : best.recipe().label(), best.sizeBytes(),
                bench == null || bench.latency() == null ? null : bench.latency().p95Millis(),
                bench == null ? null : accuracyPercent(bench.accuracy()),
                d == null ? null : d.latencyRatio(), d == null ? null : d.sizeRatio(),
                d == null ? null : d.accuracyDeltaPoints(), bench == null ? null : bench.emulated(),
                decision.reason(), rejected);
    }

    /** Top-1 accuracy against labels when there are labels, else top-1 agreement with the baseline. */
    static Double accuracyPercent(AccuracyMetrics a) {
        if (a == null) {
            return null;
        }
        Double fraction = a.top1Accuracy() != null ? a.top1Accuracy() : a.top1Agreement();
        return fraction == null ? null : fraction * 100;
    }

    /** Whether something serves (or will, once approved) the device after this decision. */
    boolean succeeded() {
        return outcome != PromotionOutcome.NOTHING_ELIGIBLE;
    }

    private static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : a / b;
    }

    private static Double minus(Double a, Double b) {
        return a == null || b == null ? null : a - b;
    }
}
