package dev.modelforge.api.promotion;

/**
 * Body of {@code POST /api/v1/models/{name}/promotions}: serve this variant on this profile now.
 *
 * @param device    device profile name
 * @param variantId a variant of the model that serves the profile
 * @param reason    why, for the audit log (required)
 */
public record PromoteRequest(String device, String variantId, String reason) {
}
