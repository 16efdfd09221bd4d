package dev.modelforge.compress.recipe;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One step of a recipe: a pass name and its raw parameters (JSON values, validated when the recipe
 * is run against a {@link dev.modelforge.compress.pass.PassRegistry}).
 *
 * @param pass   registered pass name
 * @param params raw parameter values by name (sorted, for canonical JSON)
 */
public record RecipeStep(String pass, Map<String, Object> params) {
    public RecipeStep {
        Objects.requireNonNull(pass, "pass");
        params = Collections.unmodifiableMap(new TreeMap<>(params == null ? Map.of() : params));
    }

    /** A step with default parameters. */
    public static RecipeStep of(String pass) {
        return new RecipeStep(pass, Map.of());
    }

    /** The same step with one parameter set. */
    public RecipeStep with(String key, Object value) {
        Map<String, Object> m = new TreeMap<>(params);
        m.put(key, value);
        return new RecipeStep(pass, m);
    }
}
