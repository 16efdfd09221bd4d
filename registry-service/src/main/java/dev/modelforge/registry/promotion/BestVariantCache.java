package dev.modelforge.registry.promotion;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.registry.profile.DeviceProfileService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory snapshots of the best-variant answer per (model, profile): the served variant, or the problem that
 * answers "nothing serves here" (negative entries, so polling a model that has nothing promoted yet does not reach
 * the database either). Bounded by {@link PromotionConfig#cacheMaxEntries()}.
 *
 * <p>Staleness bound: an entry is never served more than {@link PromotionConfig#cacheTtl()} (1 s) after it was read
 * from the database, whatever happens to the invalidation paths. A hot entry is re-read in the background once it is
 * half that old, so polling fleets keep hitting memory (and the event loop) instead of waiting for a reload.
 * Invalidation only makes it faster: a write on this replica replaces the entry right after its commit, and
 * {@link PromotionEventsListener} does when another replica's promotion arrives on Kafka. Caffeine discards a
 * refresh that raced a replacement of its key, so an old state read before the change is not stored after it; a
 * replacement that loses a race with another one is still read after its own commit and lives at most the TTL.
 *
 * <p>Stale-if-error ({@link LastKnown}): while the database cannot be read, the last served answer of a pair (and the
 * last active-profile list) is answered for up to {@link PromotionConfig#staleIfError()} past the TTL, marked stale;
 * "nothing serves here" answers are not kept (a blip answers those 503, as before).
 */
@ApplicationScoped
public class BestVariantCache {

    record Key(String model, String profile) {
    }

    @Inject
    PromotionConfig config;

    @Inject
    BestVariantLoader loader;

    @Inject
    DeviceProfileService profiles;

    private LoadingCache<Key, Object> entries;
    private LoadingCache<Boolean, List<DeviceProfile>> activeProfiles;
    private LastKnown<Key, Object> lastEntries;
    private LastKnown<Boolean, List<DeviceProfile>> lastActive;

    @PostConstruct
    void init() {
        Duration ttl = config.cacheTtl();
        lastEntries = new LastKnown<>(config.cacheMaxEntries(), ttl, config.staleIfError());
        lastActive = new LastKnown<>(1, ttl, config.staleIfError());
        entries = Caffeine.newBuilder().maximumSize(config.cacheMaxEntries())
                .expireAfterWrite(ttl).refreshAfterWrite(ttl.dividedBy(2))
                .executor(Infrastructure.getDefaultWorkerPool())
                .build(new CacheLoader<Key, Object>() {
                    @Override
                    public Object load(Key k) {
                        return read(k);
                    }

                    @Override
                    public Map<Key, Object> loadAll(Set<? extends Key> keys) {
                        Map<Key, Object> all = loader.loadAll(keys);
                        all.forEach((k, v) -> lastEntries.remember(k, v, BestVariantCache::served));
                        return all;
                    }
                });
        lastEntries.of(entries);
        activeProfiles = Caffeine.newBuilder().maximumSize(1)
                .expireAfterWrite(ttl).refreshAfterWrite(ttl.dividedBy(2))
                .executor(Infrastructure.getDefaultWorkerPool())
                .build(k -> lastActive.load(k, x -> QuarkusTransaction.requiringNew().call(profiles::active),
                        list -> true));
        lastActive.of(activeProfiles);
    }

    private Object read(Key k) {
        return lastEntries.load(k, x -> loader.load(x.model(), x.profile()), BestVariantCache::served);
    }

    private static boolean served(Object snapshot) {
        return snapshot instanceof BestVariantLoader.Served;
    }

    /**
     * The snapshot if memory holds a fresh one, or a {@link LastKnown.Stale} one while the database cannot be read;
     * else null. Never blocks.
     */
    Object ifPresent(String model, String profile) {
        return lastEntries.ifPresent(new Key(model, profile));
    }

    /**
     * The snapshot, read from the database when absent or expired; a {@link LastKnown.Stale} one when that read fails
     * with an outage within the stale-if-error bound. Blocking.
     */
    Object get(String model, String profile) {
        return lastEntries.get(new Key(model, profile));
    }

    /** The snapshots of many pairs; what memory lacks is read together in one bulk read. Blocking. */
    Map<Key, Object> getAll(Collection<Key> keys) {
        return entries.getAll(keys);
    }

    /** The active profiles (for device descriptions) if memory holds a fresh list, else null. Never blocks. */
    List<DeviceProfile> activeIfPresent() {
        return unwrap(lastActive.ifPresent(Boolean.TRUE));
    }

    /** The active profiles, re-read at most once per TTL (profiles change rarely). Blocking on a miss. */
    List<DeviceProfile> active() {
        return unwrap(lastActive.get(Boolean.TRUE));
    }

    /** The profile list itself: a stale one is marked on the answer it leads to, not here. */
    @SuppressWarnings("unchecked")
    private static List<DeviceProfile> unwrap(Object value) {
        return value instanceof LastKnown.Stale<?> s ? (List<DeviceProfile>) s.value() : (List<DeviceProfile>) value;
    }

    /**
     * The (model, profile) answer changed in the database (committed): a cached snapshot is replaced by a fresh read
     * here, on the caller's thread, while readers keep the old one for those few milliseconds instead of all missing
     * at once (fleets poll hot keys thousands of times a second). The caller returns after the replacement, so the
     * writer reads its own write. Caffeine discards a background refresh that was in flight with the old state.
     * A key nobody asked for is left alone. Blocking.
     */
    public void invalidate(String model, String profile) {
        Key key = new Key(model, profile);
        if (entries.getIfPresent(key) == null) {
            return;
        }
        try {
            entries.put(key, read(key));
        } catch (RuntimeException e) {
            entries.invalidate(key); // could not read it: the next request reads it again
        }
    }

    public void invalidateAll() {
        entries.invalidateAll();
        lastEntries.invalidateAll();
    }

    /** After commit only: dropping before would let a concurrent reader re-cache the old state. */
    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromotionChanged changed) {
        invalidate(changed.modelName(), changed.profile());
    }

    /** A profile created, edited or deleted: the device list changes, and a deleted profile must stop answering. */
    void onProfile(@Observes(during = TransactionPhase.AFTER_SUCCESS)
                   dev.modelforge.registry.profile.ProfileChanged changed) {
        activeProfiles.invalidateAll();
        lastActive.invalidateAll();
        invalidateAll();
    }

    /** A "nothing promoted: benchmarks pending" answer changes with every queued or finished benchmark. */
    void onBenchmarks(@Observes(during = TransactionPhase.AFTER_SUCCESS)
                      dev.modelforge.registry.benchmark.BenchmarksChanged changed) {
        invalidate(changed.modelName(), changed.profile());
    }
}
