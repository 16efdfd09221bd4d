package dev.modelforge.api.profile;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One pass of a recipe: a recipe name known to compression-core (for example {@code int8-static}) and its
 * parameters. Parameters are kept sorted by key so that two steps that mean the same thing serialize, and
 * therefore hash, identically.
 *
 * @param name   the pass/recipe name, for example {@code int8-dynamic} or {@code prune-structured}
 * @param params parameters of the pass; never {@code null}, empty when the built-in defaults apply
 */
public record RecipeStep(String name, Map<String, Object> params) {

    /** Normalises {@code params} to an immutable, key-sorted copy. */
    public RecipeStep {
        Objects.requireNonNull(name, "name");
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(params));
    }

    /** A step with the built-in defaults of {@code name}. */
    public static RecipeStep of(String name) {
        return new RecipeStep(name, Map.of());
    }
}
