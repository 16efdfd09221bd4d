package dev.modelforge.registry.auth;

import dev.modelforge.api.auth.ApiKeyDto;
import dev.modelforge.api.auth.Role;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An API key. Only the SHA-256 of the secret is stored: keys are long random strings, so a fast hash is
 * enough (no dictionary to attack) and lets every request find its key with one indexed lookup.
 */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    /** First characters of the secret, to recognise a key in listings and logs. */
    @Column(nullable = false, length = 16)
    public String prefix;

    @Column(name = "key_hash", nullable = false, unique = true, length = 64)
    public String keyHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Role role;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** The team the key acts for; null: a team of its own ({@link #team()}). */
    @Column(name = "team")
    public String teamName;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "rotated_at")
    public Instant rotatedAt;

    /** Hash of the secret the last rotation replaced; it works until {@code previousValidUntil}. */
    @Column(name = "previous_key_hash", length = 64)
    public String previousKeyHash;

    @Column(name = "previous_valid_until")
    public Instant previousValidUntil;

    /**
     * The key whose current secret, or whose previous secret within its rotation grace, hashes to {@code keyHash};
     * neither revoked nor expired at {@code now}.
     */
    public static Optional<ApiKey> findActiveByHash(String keyHash, Instant now) {
        return find("(keyHash = ?1 or (previousKeyHash = ?1 and previousValidUntil > ?2)) and revokedAt is null"
                + " and (expiresAt is null or expiresAt > ?2)", keyHash, now).firstResultOptional();
    }

    /** The active key named {@code name}. */
    public static Optional<ApiKey> findActiveByName(String name) {
        return find("name = ?1 and revokedAt is null", name).firstResultOptional();
    }

    /** The team this key acts for: its own team name, or {@code key:<id>} when it has none. */
    public String team() {
        return teamName != null ? teamName : Actor.keyRef(id);
    }

    /** Every active key, under the same condition as {@link #findActiveByHash} (the in-memory key table). */
    public static java.util.List<ApiKey> listActive() {
        return list("revokedAt is null");
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String prefixOf(String secret) {
        return secret.substring(0, Math.min(8, secret.length()));
    }

    public ApiKeyDto toDto() {
        return new ApiKeyDto(id, name, prefix, role, createdAt, team(), createdBy, expiresAt, rotatedAt,
                previousValidUntil, revokedAt);
    }
}
