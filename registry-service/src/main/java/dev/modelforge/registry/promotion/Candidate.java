package dev.modelforge.registry.promotion;

/**
 * A variant as the policy sees it on one device profile.
 *
 * @param variantId    the variant
 * @param modelVersion its model version number
 * @param recipe       its recipe's display name ({@code baseline} for the original)
 * @param baseline     whether it is the unmodified original of its version
 * @param measurement  its completed benchmark on the profile, or null when none completed (yet or ever)
 * @param benchmarkFailure why its benchmark failed, or null
 */
public record Candidate(String variantId, int modelVersion, String recipe, boolean baseline, Measurement measurement,
                        String benchmarkFailure) {

    /** A candidate with a completed benchmark. */
    public static Candidate measured(String variantId, int modelVersion, String recipe, boolean baseline,
                                     Measurement measurement) {
        return new Candidate(variantId, modelVersion, recipe, baseline, measurement, null);
    }

    /** Short label for reasons: {@code v3 int8-static (id)}. */
    public String label() {
        return "v" + modelVersion + " " + recipe + " (" + variantId + ")";
    }
}
