package dev.modelforge.registry.auth;

import dev.modelforge.api.auth.ApiKeyCreated;
import dev.modelforge.api.auth.Role;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Issues API keys and seeds the bootstrap admin key. */
@ApplicationScoped
public class ApiKeyService {
    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @ConfigProperty(name = "modelforge.auth.bootstrap-admin-key")
    Optional<String> bootstrapAdminKey;

    /** Creates a key; the returned secret is never stored and cannot be shown again. */
    @Transactional
    public ApiKeyCreated create(String name, Role role) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "mf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return new ApiKeyCreated(insert(name, role, secret).toDto(), secret);
    }

    /**
     * The first admin must come from somewhere: an operator-provided key (env MODELFORGE_BOOTSTRAP_ADMIN_KEY)
     * is registered at startup if its hash is not known yet. Flyway has migrated by the time this runs.
     */
    @Transactional
    void bootstrap(@Observes StartupEvent start) {
        bootstrapAdminKey.filter(k -> !k.isBlank()).ifPresent(secret -> {
            if (ApiKey.count("keyHash", ApiKey.hash(secret)) == 0) {
                insert("bootstrap-admin", Role.ADMIN, secret);
                LOG.info("registered the bootstrap admin API key");
            }
        });
    }

    ApiKey insert(String name, Role role, String secret) {
        var key = new ApiKey();
        key.name = name;
        key.role = role;
        key.keyHash = ApiKey.hash(secret);
        key.prefix = ApiKey.prefixOf(secret);
        key.createdAt = Instant.now();
        key.persist();
        return key;
    }
}
