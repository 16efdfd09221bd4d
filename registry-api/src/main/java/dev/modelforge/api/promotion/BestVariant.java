package dev.modelforge.api.promotion;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.profile.RecipeRef;

import java.time.Instant;

/**
 * Answer of {@code GET /api/v1/models/{name}/best}: the variant serving a device profile now.
 *
 * @param modelName       model
 * @param device          the profile the answer is for
 * @param resolvedProfile true when the profile was chosen from a device description rather than named
 * @param resolution      how it was chosen from the description, or null when named
 * @param version         model version of the variant
 * @param variantId       the variant
 * @param recipe          its recipe
 * @param sha256          sha256 of its ONNX file, to verify the download
 * @param sizeBytes       its size
 * @param downloadUrl     presigned GET URL, signed for this request
 * @param promotionId     the promotion that made it serve
 * @param promotedAt      when it took effect
 * @param promotedBy      {@code policy} or the API key that promoted it
 * @param benchmark       its latest benchmark on the profile, or null when none
 * @param deltas          its comparison with its version's baseline on the profile, or null
 * @param fallback        {@code baseline} when the policy serves the unmodified original because no compressed
 *                        variant is eligible here; null otherwise
 * @param fallbackReason  why, when {@code fallback} is set (the promotion's reason)
 */
public record BestVariant(String modelName, String device, boolean resolvedProfile, String resolution, int version,
                          String variantId, RecipeRef recipe, String sha256, long sizeBytes, String downloadUrl,
                          String promotionId, Instant promotedAt, String promotedBy, BenchmarkResult benchmark,
                          BaselineDeltas deltas, String fallback, String fallbackReason) {
}
