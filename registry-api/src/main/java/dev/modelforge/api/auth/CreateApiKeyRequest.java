package dev.modelforge.api.auth;

import java.time.Instant;

/**
 * Body of {@code POST /api/v1/api-keys}.
 *
 * @param name      human label, e.g. {@code ci-fraud-pipeline}; unique among active keys
 * @param role      granted role
 * @param team      the team the key acts for (owners of models are teams), may be null: the key is then a team of
 *                  its own, {@code key:<id>}
 * @param expiresAt when the key stops working, may be null (never)
 */
public record CreateApiKeyRequest(String name, Role role, String team, Instant expiresAt) {

    /**
     * A key of its own team that never expires.
     *
     * @param name label
     * @param role granted role
     */
    public CreateApiKeyRequest(String name, Role role) {
        this(name, role, null, null);
    }
}
