package dev.modelforge.api.promotion;

/**
 * Body of {@code POST /api/v1/models/{name}/promotions/rollback}: serve the variant that served before the current
 * one again (recorded as a new promotion).
 *
 * @param device device profile name
 * @param reason why, for the audit log (required)
 */
public record RollbackRequest(String device, String reason) {
}
