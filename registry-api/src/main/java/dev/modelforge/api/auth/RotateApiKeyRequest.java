package dev.modelforge.api.auth;

/**
 * Optional body of {@code POST /api/v1/api-keys/{id}/rotate}.
 *
 * @param graceSeconds how long the old secret keeps working, at most the registry's configured grace
 *                     ({@code modelforge.auth.rotation-grace}, 24 h by default); null for that maximum, 0 to retire
 *                     it at once (a leaked secret)
 */
public record RotateApiKeyRequest(Long graceSeconds) {
}
