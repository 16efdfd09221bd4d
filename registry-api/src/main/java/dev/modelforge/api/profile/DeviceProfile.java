package dev.modelforge.api.profile;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * A target device class: what it is, how variants are measured on it, what they must satisfy, which recipes to try,
 * and the promotion policy that picks its winner.
 *
 * <p>The same record is the body of {@code PUT /api/v1/device-profiles/{name}} (where {@code name} is taken from the
 * path, {@code revision} and {@code updatedAt} are ignored) and the answer of every read.
 *
 * @param name        profile name, {@code [a-z0-9][a-z0-9-_.]{0,63}}
 * @param description free text
 * @param active      whether uploads are planned for it; an inactive profile is kept but not compressed for
 * @param hardware    the device
 * @param runtime     benchmark runtime settings
 * @param limits      hard limits a variant must meet
 * @param recipes     recipes to try, deduplicated across profiles by the planner
 * @param policy      promotion policy (constraints, objective, mode); opaque to this issue, filled by promotion
 * @param revision    1 for a new profile, +1 on every change (read only)
 * @param updatedAt   time of the latest revision (read only)
 */
public record DeviceProfile(String name, String description, Boolean active, Hardware hardware,
                            RuntimeSettings runtime, Limits limits, List<RecipeRef> recipes, JsonNode policy,
                            Integer revision, Instant updatedAt) {

    /** Replaces a missing recipe list by an empty one; {@code active} defaults to true. */
    public DeviceProfile {
        recipes = recipes == null ? List.of() : List.copyOf(recipes);
        active = active == null || active;
    }
}
