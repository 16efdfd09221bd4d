package dev.modelforge.registry.auth;

import dev.modelforge.api.auth.Role;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Registers the operator's worker keys at startup, so a deployment gives each worker service its own {@code worker}
 * key (a Secret per service) without handing anything the admin key. Configured as
 * {@code MODELFORGE_BOOTSTRAP_WORKER_KEYS=compression-worker=mf_...,benchmark-worker=mf_...}. A name whose secret
 * changed gets the new key and its old bootstrap key is revoked: rotating a worker's Secret retires the old one.
 */
@ApplicationScoped
public class WorkerKeyBootstrap {
    private static final Logger LOG = Logger.getLogger(WorkerKeyBootstrap.class);
    /** Random keys are 46 characters; anything much shorter was typed by hand. */
    static final int MIN_SECRET_LENGTH = 32;

    @ConfigProperty(name = "modelforge.auth.bootstrap-worker-keys")
    Optional<List<String>> workerKeys;

    @Inject
    ApiKeyService keys;

    @Transactional
    void bootstrap(@Observes StartupEvent start) {
        for (String entry : workerKeys.orElse(List.of())) {
            int eq = entry.indexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).trim();
            String secret = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (name.isEmpty() || secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalStateException("modelforge.auth.bootstrap-worker-keys: each entry is name=secret with a "
                        + "secret of at least " + MIN_SECRET_LENGTH + " characters (entry '" + (name.isEmpty() ? "?" : name)
                        + "')");
            }
            register(name, secret);
        }
    }

    private void register(String name, String secret) {
        String hash = ApiKey.hash(secret);
        Optional<ApiKey> existing = ApiKey.find("keyHash", hash).firstResultOptional();
        if (existing.isPresent()) {
            if (existing.get().role != Role.WORKER) {
                throw new IllegalStateException("bootstrap worker key '" + name + "' is already a "
                        + existing.get().role.wireName() + " key; give the worker a key of its own");
            }
            return;
        }
        List<ApiKey> previous = ApiKey.list("name = ?1 and role = ?2 and revokedAt is null", name, Role.WORKER);
        Instant now = Instant.now();
        previous.forEach(k -> k.revokedAt = now);
        keys.insert(name, Role.WORKER, secret, "bootstrap");
        LOG.infof("registered bootstrap worker key '%s'%s", name,
                previous.isEmpty() ? "" : " and revoked its previous key");
    }
}
