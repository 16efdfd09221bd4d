package dev.modelforge.registry.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identities of recently seen valid keys, by key hash, for a short time. The bound on staleness is the TTL, capped at
 * {@link #MAX_TTL}: a key revoked (or expired, or rotated out) on another replica or directly in the database stops
 * working on every replica within it; the replica that revokes forgets its entries at once.
 * Unknown keys are never cached, so random tokens cannot grow the map; its size is bounded by the number of keys.
 */
@ApplicationScoped
public class ApiKeyCache {

    private record Entry(SecurityIdentity identity, long expiresAtNanos) {
    }

    /** The README promises that a revoked key fails within a second; a longer configured TTL is cut to this. */
    static final Duration MAX_TTL = Duration.ofSeconds(1);

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
            long ttlNanos = Math.min(ttl.toNanos(), MAX_TTL.toNanos());
            entries.put(keyHash, new Entry(identity, System.nanoTime() + ttlNanos));
        }
    }

    /** Forgets every cached identity (a key was changed in this replica). */
    public void clear() {
        entries.clear();
    }
}
