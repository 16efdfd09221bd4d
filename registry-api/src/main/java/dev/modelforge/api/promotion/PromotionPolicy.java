package dev.modelforge.api.promotion;

import java.util.ArrayList;
import java.util.List;

/**
 * How a device profile chooses the variant it serves.
 *
 * <p>A candidate is eligible when it has a completed benchmark on the profile, meets every constraint, and is better
 * than its own version's unmodified baseline on the first objective (a "compressed" model that is slower or larger
 * than the original is never promoted). Among the eligible, the objectives rank lexicographically; values within
 * {@code tieTolerance} of each other (relative) count as equal, so measurement noise on the first metric does not
 * hide a real difference on the second. A challenger replaces the current champion only when it ranks better, unless
 * {@code preferNewest} lets a newer model version win while it is eligible.
 *
 * @param constraints        hard limits
 * @param objectives         metrics in priority order; never empty
 * @param mode               {@code auto} or {@code approval}
 * @param preferNewest       a newer model version's best variant replaces the champion even if it ranks worse
 * @param allowEmulated      accept results measured in emulation (the profile's threads and memory on foreign
 *                           hardware); a production profile on real hardware sets this to false
 * @param tieTolerance       relative difference under which two metric values count as equal (0.02 = 2%)
 * @param fallbackToBaseline when no compressed variant is eligible and nothing serves the profile yet, serve the
 *                           unmodified original if it meets the policy's constraints and the profile's limits (on by
 *                           default, so every profile gets a runnable answer; {@code false} opts out and the registry
 *                           then reports "nothing eligible")
 */
public record PromotionPolicy(PromotionConstraints constraints, List<Objective> objectives, PromotionMode mode,
                              Boolean preferNewest, Boolean allowEmulated, Double tieTolerance,
                              Boolean fallbackToBaseline) {

    /** Latency first, then size; automatic; emulated results allowed; 2% ties; baseline fallback on. */
    public static final PromotionPolicy DEFAULT = new PromotionPolicy(null, null, null, null, null, null, null);

    /** Fills defaults for every missing field. */
    public PromotionPolicy {
        constraints = constraints == null ? PromotionConstraints.NONE : constraints;
        objectives = objectives == null || objectives.isEmpty()
                ? List.of(Objective.LATENCY, Objective.SIZE) : List.copyOf(objectives);
        mode = mode == null ? PromotionMode.AUTO : mode;
        preferNewest = preferNewest != null && preferNewest;
        allowEmulated = allowEmulated == null || allowEmulated;
        tieTolerance = tieTolerance == null ? 0.02 : tieTolerance;
        fallbackToBaseline = fallbackToBaseline == null || fallbackToBaseline;
    }

    /** The metric that decides eligibility against the baseline. */
    public Objective primary() {
        return objectives.get(0);
    }

    /** The problems with this policy, empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(constraints.problems());
        if (tieTolerance.isNaN() || tieTolerance < 0 || tieTolerance >= 0.5) {
            problems.add("tieTolerance must be in [0, 0.5), was " + tieTolerance);
        }
        if (objectives.stream().distinct().count() != objectives.size()) {
            problems.add("objectives must not repeat a metric: " + objectives);
        }
        return problems;
    }
}
