package dev.modelforge.registry.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identities of recently seen valid keys, by key hash, for a short time. The bound on staleness is the TTL: a key
 * revoked directly in the database (there is no revocation endpoint yet) stops working on every replica within it.
 * Unknown keys are never cached, so random tokens cannot grow the map; its size is bounded by the number of keys.
 */
@ApplicationScoped
public class ApiKeyCache {

    private record Entry(SecurityIdentity identity, long expiresAtNanos) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    @ConfigProperty(name = "modelforge.auth.key-cache-ttl", defaultValue = "1s")
    Duration ttl;

    SecurityIdentity get(String keyHash) {
        Entry e = entries.get(keyHash);
        if (e == null) {
            return null;
        }
        if (System.nanoTime() - e.expiresAtNanos() >= 0) {
            entries.remove(keyHash, e);
            return null;
        }
        return e.identity();
    }

    void put(String keyHash, SecurityIdentity identity) {
        if (!ttl.isZero()) {
            entries.put(keyHash, new Entry(identity, System.nanoTime() + ttl.toNanos()));
        }
    }

    /** Forgets every cached identity (a key was changed in this replica). */
    public void clear() {
        entries.clear();
    }
}
