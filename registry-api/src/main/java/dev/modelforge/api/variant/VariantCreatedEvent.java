package dev.modelforge.api.variant;

import dev.modelforge.api.profile.RecipeRef;

import java.util.List;

/**
 * The payload published on {@code modelforge.variants} (Kafka key = model id) when a variant is registered,
 * including the baseline. Benchmark workers start from it.
 *
 * @param variantId  the new variant
 * @param modelId    owning model id
 * @param modelName  model name
 * @param versionId  parent version id
 * @param version    parent version number
 * @param recipe     recipe that produced it
 * @param recipeHash hash of the recipe
 * @param sha256     sha256 of the variant file
 * @param sizeBytes  its size
 * @param storageKey its object key
 * @param profiles   device profiles it serves
 */
public record VariantCreatedEvent(String variantId, String modelId, String modelName, String versionId, int version,
                                  RecipeRef recipe, String recipeHash, String sha256, long sizeBytes,
                                  String storageKey, List<String> profiles) {

    /** Topic of the event. */
    public static final String TOPIC = "modelforge.variants";
    /** CloudEvents type of the event. */
    public static final String EVENT_TYPE = "dev.modelforge.variant.created";
}
