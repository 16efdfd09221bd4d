package dev.modelforge.registry.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Presigned download URLs that hot answers reuse instead of signing per request, one per (object, file name) in a
 * bounded cache. A URL is handed out only while at least half of its lifetime ({@link StorageConfig#presignExpiry()})
 * is left, so a client that receives it always has that margin to start its download; after that a new one is signed
 * (a new {@link Signed#generation()}). Time comes from an {@link InstantSource} bean so tests can move the clock.
 */
@ApplicationScoped
public class PresignedUrls {

    /**
     * One signed URL.
     *
     * @param url        the presigned GET URL
     * @param generation increases with every URL this replica signs; part of the best answer's ETag
     * @param signedAt   when it was signed
     * @param expiresAt  when storage stops accepting it
     */
    public record Signed(String url, long generation, Instant signedAt, Instant expiresAt) {
    }

    private final AtomicLong generations = new AtomicLong();
    private final Cache<String, Signed> recent = Caffeine.newBuilder().maximumSize(10_000).build();

    @Inject
    ObjectStorage storage;

    @Inject
    StorageConfig config;

    @Inject
    InstantSource clock;

    /** A URL for {@code key} downloaded under {@code fileName} with at least half its lifetime left. */
    public Signed current(String key, String fileName) {
        String id = key + "\n" + fileName;
        Signed s = recent.getIfPresent(id);
        if (reusable(s)) {
            return s;
        }
        Signed fresh = sign(key, fileName);
        recent.put(id, fresh);
        return fresh;
    }

    /** A new URL for {@code key}, downloaded under {@code fileName}. */
    public Signed sign(String key, String fileName) {
        Instant now = clock.instant();
        String url = storage.presignedGet(key, fileName);
        return new Signed(url, generations.incrementAndGet(), now, now.plus(config.presignExpiry()));
    }

    /** True while {@code signed} still has at least half its lifetime left. */
    public boolean reusable(Signed signed) {
        if (signed == null) {
            return false;
        }
        Duration lifetime = Duration.between(signed.signedAt(), signed.expiresAt());
        return clock.instant().isBefore(signed.signedAt().plus(lifetime.dividedBy(2)));
    }
}
