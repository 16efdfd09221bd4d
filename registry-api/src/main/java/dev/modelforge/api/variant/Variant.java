package dev.modelforge.api.variant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.profile.RecipeRef;

import java.time.Instant;
import java.util.List;

/**
 * A compressed (or, for {@code baseline}, unchanged) form of a model version, as the REST API shows it.
 *
 * @param id          variant id
 * @param modelName   model name
 * @param version     parent model version number
 * @param recipe      the recipe that produced it
 * @param recipeHash  hash of the recipe
 * @param toolVersion compression-core version that ran the recipe ({@code baseline} for the original)
 * @param sha256      sha256 of the variant's ONNX file
 * @param sizeBytes   its size
 * @param storageKey  its object key
 * @param report      the compression report ({@code null} for the baseline)
 * @param profiles    names of the device profiles it serves
 * @param jobId       the job that produced it ({@code null} for the baseline)
 * @param createdAt   when registered
 */
public record Variant(String id, String modelName, int version, RecipeRef recipe, String recipeHash,
                      String toolVersion, String sha256, long sizeBytes, String storageKey, JsonNode report,
                      List<String> profiles, String jobId, Instant createdAt) {
}
