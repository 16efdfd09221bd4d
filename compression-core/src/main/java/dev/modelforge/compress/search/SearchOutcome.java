package dev.modelforge.compress.search;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.recipe.Recipe;

import java.util.List;
import java.util.Map;

/**
 * What the {@code auto} search returns: always a model (the float one at worst), the recipe that
 * makes it, whether the budget holds, a diagnosis when it does not, and everything needed to
 * warm-start the next version's search.
 *
 * @param model        the chosen variant
 * @param recipe       how to rebuild it from the float model
 * @param chosen       the chosen candidate's measurements
 * @param budgetMet    true when the chosen candidate's drop is within budget
 * @param diagnosis    why the budget could not be met (null when met)
 * @param sensitivity  layer or group key → accuracy drop in points when only it is compressed
 * @param decisions    ordered log of what the search decided and why
 * @param candidates   every candidate evaluated
 * @param elapsedMillis wall time
 * @param timedOut     true when the time budget ended the search early
 */
public record SearchOutcome(Model model, Recipe recipe, Candidate chosen, boolean budgetMet, String diagnosis,
                            Map<String, Double> sensitivity, List<String> decisions, List<Candidate> candidates,
                            long elapsedMillis, boolean timedOut) {

    /**
     * One evaluated variant.
     *
     * @param label         short description
     * @param recipe        recipe from the float model
     * @param accuracy      top-1 (0..1)
     * @param dropPoints    drop vs float in points
     * @param latencyRatio  measured latency vs float (NaN when not measured)
     * @param sizeBytes     serialized size
     * @param withinBudget  drop ≤ budget
     */
    public record Candidate(String label, Recipe recipe, double accuracy, double dropPoints, double latencyRatio,
                            long sizeBytes, boolean withinBudget) {
    }
}
