package dev.modelforge.registry.promotion;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * In-memory answers of the best-variant query per (model, profile), without presigned URLs (those are signed per
 * request, so a cached answer never hands out an expired URL).
 *
 * <p>Staleness bound: every entry expires {@link PromotionConfig#cacheTtl()} (1 s) after it was loaded, whatever
 * happens to the invalidation paths. Invalidation only makes it faster: a write on this replica drops the entry
 * right after its commit, and {@link PromotionEventsListener} drops it when another replica's promotion arrives on
 * Kafka. A load that raced an invalidation (it read the old state, the drop came before its put) is not stored: every
 * invalidation bumps an epoch and a load only stores its answer if the epoch did not move while it ran.
 */
@ApplicationScoped
public class BestVariantCache {

    private record Key(String model, String profile) {
    }

    private record Entry(Object value, long loadedAtNanos) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();

    @Inject
    PromotionConfig config;

    /** The cached value (an answer or the problem that answers "nothing promoted"), loading it when absent or old. */
    public Object get(String model, String profile, Supplier<Object> loader) {
        Key key = new Key(model, profile);
        long now = System.nanoTime();
        Entry e = entries.get(key);
        if (e != null && now - e.loadedAtNanos < config.cacheTtl().toNanos()) {
            return e.value;
        }
        long before = epoch.get();
        Object value = loader.get();
        if (epoch.get() == before) {
            entries.put(key, new Entry(value, now));
        }
        return value;
    }

    public void invalidate(String model, String profile) {
        epoch.incrementAndGet();
        entries.remove(new Key(model, profile));
    }

    public void invalidateAll() {
        epoch.incrementAndGet();
        entries.clear();
    }

    /** After commit only: dropping before would let a concurrent reader re-cache the old state. */
    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromotionChanged changed) {
        invalidate(changed.modelName(), changed.profile());
    }

    /** A "nothing promoted: benchmarks pending" answer changes with every queued or finished benchmark. */
    void onBenchmarks(@Observes(during = TransactionPhase.AFTER_SUCCESS)
                      dev.modelforge.registry.benchmark.BenchmarksChanged changed) {
        invalidate(changed.modelName(), changed.profile());
    }
}
