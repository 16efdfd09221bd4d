package dev.modelforge.api.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The recipe step names the registry accepts in a device profile.
 *
 * <p>The registry cannot ask compression-core (it must not depend on it), so the list is kept here: the built-in
 * quantization recipes, the pruning passes, and {@code baseline}. A compression worker that does not know a name
 * fails that job cleanly; the registry only rejects names nobody knows.
 */
public final class KnownRecipes {

    /** The accuracy-aware search: it chooses its own passes, so it stands alone in a recipe. */
    public static final String AUTO = "auto";

    /** Every accepted step name. */
    public static final Set<String> NAMES = Set.of(
            "int8-dynamic", "int8-static", "int4-weight-only", "fp16",
            "prune-structured", "prune-magnitude", "sparse-encode", AUTO, RecipeRef.BASELINE);

    private KnownRecipes() {
    }

    /**
     * Problems with a recipe, as sentences a user can act on; empty when it is acceptable.
     *
     * @param recipe the recipe to check
     * @return the problems found
     */
    public static List<String> problems(RecipeRef recipe) {
        List<String> problems = new ArrayList<>();
        for (RecipeStep step : recipe.steps()) {
            if (!NAMES.contains(step.name())) {
                problems.add("unknown recipe '" + step.name() + "' (known: " + String.join(", ", NAMES.stream().sorted().toList()) + ")");
            }
        }
        if (recipe.steps().size() > 1 && recipe.steps().stream().anyMatch(s -> RecipeRef.BASELINE.equals(s.name()))) {
            problems.add("'baseline' cannot be combined with other steps");
        }
        if (recipe.steps().size() > 1 && recipe.steps().stream().anyMatch(s -> AUTO.equals(s.name()))) {
            problems.add("'auto' chooses its own passes and cannot be combined with other steps");
        }
        try {
            recipe.canonicalJson();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }
}
