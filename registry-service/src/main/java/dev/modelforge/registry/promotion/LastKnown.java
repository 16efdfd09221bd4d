package dev.modelforge.registry.promotion;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.modelforge.registry.error.Outages;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Stale-if-error for a refreshing Caffeine cache: the last value each key loaded stays at hand for
 * {@code staleIfError} past the cache's TTL, and while the database or object storage cannot be read (a refresh
 * failed with an outage, or did not finish within a short wait) that value is answered, marked {@link Stale}, instead
 * of a 503. Once the bound passes, the key is read as if never seen: a database still down answers 503.
 *
 * <p>A failing key is retried in the background at most every half TTL (Caffeine keeps one refresh in flight per key),
 * so serving stale answers stays on the event loop and the first successful read makes the answer fresh again.
 *
 * @param <K> cache key
 * @param <V> cached value
 */
final class LastKnown<K, V> {

    /** A value older than the TTL, served because its refresh failed; {@code ageNanos} since it was read. */
    record Stale<V>(V value, long ageNanos) {
        long ageSeconds() {
            return TimeUnit.NANOSECONDS.toSeconds(ageNanos);
        }
    }

    private static final class Entry<V> {
        final V value;
        final long readAtNanos;
        volatile boolean failing;
        volatile long nextRetryNanos;

        Entry(V value, long readAtNanos) {
            this.value = value;
            this.readAtNanos = readAtNanos;
        }
    }

    private final Cache<K, Entry<V>> known;
    private final long retryEveryNanos;
    private final long firstWaitMillis;
    private LoadingCache<K, V> cache;

    LastKnown(long maxEntries, Duration ttl, Duration staleIfError) {
        known = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl.plus(staleIfError)).build();
        retryEveryNanos = ttl.dividedBy(2).toNanos();
        // How long the first request after an expiry waits for the refresh before answering from memory: a stalled
        // database holds a read for seconds (socket timeout), a fleet should not.
        firstWaitMillis = Math.max(50, Math.min(500, ttl.dividedBy(2).toMillis()));
    }

    /** The cache whose values this remembers; set once, right after it is built. */
    void of(LoadingCache<K, V> cache) {
        this.cache = cache;
    }

    /**
     * Runs a load of {@code key} for the cache: a value {@code keep} accepts is remembered, one it refuses forgets the
     * key (a "nothing serves here" answer must not be replaced by an older served one), and an outage marks the
     * remembered value as the one to serve.
     */
    V load(K key, Function<K, V> loader, java.util.function.Predicate<V> keep) {
        try {
            V v = loader.apply(key);
            remember(key, v, keep);
            return v;
        } catch (RuntimeException e) {
            if (Outages.in(e)) {
                Entry<V> g = known.getIfPresent(key);
                if (g != null) {
                    g.failing = true;
                }
            }
            throw e;
        }
    }

    void remember(K key, V v, java.util.function.Predicate<V> keep) {
        if (keep.test(v)) {
            known.put(key, new Entry<>(v, System.nanoTime()));
        } else {
            known.invalidate(key);
        }
    }

    /** A fresh value, or a {@link Stale} one while its refreshes fail, or null (read it). Never blocks. */
    Object ifPresent(K key) {
        V v = cache.getIfPresent(key);
        if (v != null) {
            return v;
        }
        Entry<V> g = known.getIfPresent(key);
        return g != null && g.failing ? stale(key, g) : null;
    }

    /**
     * A fresh value, read now if needed; while the read fails with an outage or stalls past a short wait, the last
     * value within the bound as {@link Stale}. Blocking.
     */
    Object get(K key) {
        Entry<V> g = known.getIfPresent(key);
        if (g == null) {
            return cache.get(key); // never seen or past the bound: the read's own outcome (503 on an outage)
        }
        V v = cache.getIfPresent(key);
        if (v != null) {
            return v;
        }
        if (g.failing) {
            return stale(key, g);
        }
        try {
            return cache.refresh(key).get(firstWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            g.failing = true;
            return stale(key, g);
        } catch (ExecutionException e) {
            if (Outages.in(e.getCause())) {
                return stale(key, g);
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stale(key, g);
        }
    }

    private Stale<V> stale(K key, Entry<V> g) {
        long now = System.nanoTime();
        long next = g.nextRetryNanos;
        if (now - next >= 0) {
            g.nextRetryNanos = now + retryEveryNanos;
            cache.refresh(key); // in the background; one in flight per key
        }
        return new Stale<>(g.value, now - g.readAtNanos);
    }

    void invalidateAll() {
        known.invalidateAll();
    }
}
