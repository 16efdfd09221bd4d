package dev.modelforge.api.auth;

import java.time.Instant;

/**
 * An API key as the registry stores it: never the key itself.
 *
 * @param id                 id; audit records name the key that acted as {@code key:<id>}
 * @param name               label, unique among active keys
 * @param prefix             first characters of the current secret, to recognise it
 * @param role               granted role
 * @param createdAt          creation time
 * @param team               the team the key acts for ({@code key:<id>} when it was created without one)
 * @param createdBy          the key that created it ({@code key:<id>}), or {@code bootstrap}
 * @param expiresAt          when it stops working, null for never
 * @param rotatedAt          last rotation, null if never rotated
 * @param previousValidUntil until when the secret replaced by the last rotation still works, null if none does
 * @param revokedAt          revocation time, null while active
 */
public record ApiKeyDto(long id, String name, String prefix, Role role, Instant createdAt, String team,
                        String createdBy, Instant expiresAt, Instant rotatedAt, Instant previousValidUntil,
                        Instant revokedAt) {
}
