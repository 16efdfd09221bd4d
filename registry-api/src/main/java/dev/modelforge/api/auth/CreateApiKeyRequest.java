package dev.modelforge.api.auth;

/**
 * Body of {@code POST /api/v1/api-keys}.
 *
 * @param name human label, e.g. {@code ci-fraud-pipeline}; becomes the owner of what the key creates
 * @param role granted role
 */
public record CreateApiKeyRequest(String name, Role role) {
}
