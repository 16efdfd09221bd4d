package dev.modelforge.registry.auth;

import dev.modelforge.api.auth.ApiKeyCreated;
import dev.modelforge.api.auth.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The life of API keys: issue, revoke, rotate, and the bootstrap admin key. A new key works on this replica as soon as
 * it commits; revocation and rotation re-read this replica's key table after they commit; other replicas follow
 * within the key table's staleness bound ({@code modelforge.auth.key-cache-ttl}, 1 s).
 */
@ApplicationScoped
public class ApiKeyService {
    /** Name of the key registered from {@code MODELFORGE_BOOTSTRAP_ADMIN_KEY}; reserved. */
    public static final String BOOTSTRAP_NAME = "bootstrap-admin";
    /** Shortest bootstrap secret accepted: 32 characters, the length of 24 random bytes in base64. */
    static final int MIN_BOOTSTRAP_LENGTH = 32;
    private static final Pattern TEAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @ConfigProperty(name = "modelforge.auth.bootstrap-admin-key")
    Optional<String> bootstrapAdminKey;

    /** The longest (and default) time a rotated-out secret keeps working, so clients can switch without downtime. */
    @ConfigProperty(name = "modelforge.auth.rotation-grace", defaultValue = "24h")
    Duration rotationGrace;

    @Inject
    ApiKeyCache cache;

    @Inject
    EntityManager em;

    @Inject
    Event<ApiKeysChanged> changed;

    /** Creates a key; the returned secret is never stored and cannot be shown again. */
    @Transactional
    public ApiKeyCreated create(String name, Role role, String team, Instant expiresAt, Actor creator) {
        if (BOOTSTRAP_NAME.equals(name)) {
            throw KeyProblems.invalid("the name '" + BOOTSTRAP_NAME + "' is reserved for the bootstrap admin key");
        }
        if (team != null && !TEAM.matcher(team).matches()) {
            throw KeyProblems.invalid("team must be 1-100 letters, digits, '.', '_', ':' or '-', starting with a letter"
                    + " or digit; got '" + team + "'");
        }
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw KeyProblems.invalid("expiresAt " + expiresAt + " is not in the future");
        }
        if (ApiKey.findActiveByName(name).isPresent()) {
            throw KeyProblems.nameTaken(name);
        }
        String secret = newSecret();
        ApiKey key = insert(name, role, secret, creator.id());
        key.teamName = team;
        key.expiresAt = expiresAt;
        changed.fire(new ApiKeysChanged(key.keyHash, ApiKeyIdentityProvider.identityOf(key), key.expiresAt));
        return new ApiKeyCreated(key.toDto(), secret);
    }

    /** Revokes the key (revoking a revoked key changes nothing); it fails on this replica from now on. */
    public ApiKey revoke(long id) {
        ApiKey key = QuarkusTransaction.requiringNew().call(() -> {
            ApiKey k = require(id);
            if (k.revokedAt == null) {
                k.revokedAt = Instant.now();
                LOG.infof("revoked API key %d (%s)", k.id, k.name);
            }
            return k;
        });
        cache.clear();
        return key;
    }

    /**
     * Gives the key a new secret. The old one keeps working for {@code graceSeconds} (null: the configured grace,
     * which is also the maximum; 0: not at all). The key keeps its id, team and role.
     */
    public ApiKeyCreated rotate(long id, Long graceSeconds) {
        if (graceSeconds != null && (graceSeconds < 0 || graceSeconds > rotationGrace.toSeconds())) {
            throw KeyProblems.invalid("graceSeconds must be between 0 and " + rotationGrace.toSeconds()
                    + " (modelforge.auth.rotation-grace)");
        }
        Duration grace = graceSeconds == null ? rotationGrace : Duration.ofSeconds(graceSeconds);
        String secret = newSecret();
        ApiKey key = QuarkusTransaction.requiringNew().call(() -> {
            ApiKey k = require(id);
            if (k.revokedAt != null) {
                throw KeyProblems.notFound(id);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            k.previousKeyHash = grace.isZero() ? null : k.keyHash;
            k.previousValidUntil = grace.isZero() ? null : now.plus(grace);
            k.keyHash = ApiKey.hash(secret);
            k.prefix = ApiKey.prefixOf(secret);
            k.rotatedAt = now;
            return k;
        });
        cache.clear();
        LOG.infof("rotated API key %d (%s); the old secret works until %s", key.id, key.name, key.previousValidUntil);
        return new ApiKeyCreated(key.toDto(), secret);
    }

    /**
     * The first admin must come from somewhere: an operator-provided key (env MODELFORGE_BOOTSTRAP_ADMIN_KEY) is
     * registered at startup if its hash is not known yet. A short one stops the start; a changed one retires the
     * bootstrap key it replaces, so an old value left in some file no longer opens the registry. Flyway has migrated
     * by the time this runs.
     */
    void bootstrap(@Observes StartupEvent start) {
        bootstrapAdminKey.filter(k -> !k.isBlank()).ifPresent(secret -> registerBootstrap(BOOTSTRAP_NAME, secret));
    }

    /**
     * Registers {@code secret} as the admin key named {@code name}, retiring the active key of that name if any; both
     * take effect on this replica as soon as the change commits.
     */
    void registerBootstrap(String name, String secret) {
        requireStrongBootstrapKey(secret);
        QuarkusTransaction.requiringNew().run(() -> registerBootstrapInTransaction(name, secret));
        cache.clear();
    }

    private void registerBootstrapInTransaction(String name, String secret) {
        // replicas starting together must not both register it
        em.createNativeQuery("select pg_advisory_xact_lock(7413013)").getSingleResult();
        String hash = ApiKey.hash(secret);
        if (ApiKey.count("keyHash = ?1 or previousKeyHash = ?1", hash) > 0) {
            return; // known: active, rotated or revoked; a revoked bootstrap key stays revoked
        }
        ApiKey.findActiveByName(name).ifPresent(old -> {
            old.revokedAt = Instant.now();
            em.flush(); // frees the name before the new row takes it
            LOG.infof("the bootstrap admin key changed: retired the previous one (key %d)", old.id);
        });
        insert(name, Role.ADMIN, secret, "bootstrap");
        LOG.info("registered the bootstrap admin API key");
    }

    /** Refuses a guessable bootstrap key: it is an admin key that lives in environment files. */
    static void requireStrongBootstrapKey(String secret) {
        if (secret.length() < MIN_BOOTSTRAP_LENGTH) {
            throw new IllegalStateException("MODELFORGE_BOOTSTRAP_ADMIN_KEY (modelforge.auth.bootstrap-admin-key) is "
                    + secret.length() + " characters long; use at least " + MIN_BOOTSTRAP_LENGTH
                    + " random characters, e.g. the output of 'openssl rand -base64 32'");
        }
    }

    private static ApiKey require(long id) {
        return ApiKey.<ApiKey>findByIdOptional(id).orElseThrow(() -> KeyProblems.notFound(id));
    }

    private static String newSecret() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return "mf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Inserts a key row; the caller's transaction commits it (and the key table picks it up). */
    ApiKey insert(String name, Role role, String secret, String createdBy) {
        var key = new ApiKey();
        key.name = name;
        key.role = role;
        key.keyHash = ApiKey.hash(secret);
        key.prefix = ApiKey.prefixOf(secret);
        key.createdAt = Instant.now();
        key.createdBy = createdBy;
        key.persist();
        return key;
    }
}
