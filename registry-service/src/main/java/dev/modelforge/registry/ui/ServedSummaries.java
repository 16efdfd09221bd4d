package dev.modelforge.registry.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.registry.benchmark.BenchmarksChanged;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.version.VersionCreated;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.profile.ProfileChanged;
import dev.modelforge.registry.promotion.BestVariants;
import dev.modelforge.registry.promotion.PromotionChanged;
import dev.modelforge.registry.promotion.PromotionEntity;
import dev.modelforge.registry.ui.Views.ServedCell;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the models list shows per (model, profile), kept for {@link UiConfig#summaryTtl()}: the list asks for 20+
 * models x every profile on each request, and reading that through the best-variant snapshots made every request
 * (and their background refreshes, one pair each) pay for it. Data, not pages: the cells are the same for every role
 * (the list itself and its links are what a role may see), so one entry serves all users.
 *
 * <p>Freshness: a promotion, a benchmark queued or finished, or a profile change on this replica drops the entries it
 * touches right after its commit (after the best-variant cache has replaced its own snapshot, hence the priority);
 * changes made on another replica show after at most the TTL. A load that raced an invalidation is not stored, so an
 * old state read before a change never outlives it.
 */
@ApplicationScoped
public class ServedSummaries {
    /** Runs after the best-variant cache's observers (default priority), which re-read the changed snapshot. */
    private static final int AFTER_BEST_CACHE = jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000;

    @Inject
    UiConfig config;

    @Inject
    BestVariants best;

    @Inject
    DeviceProfileService profiles;

    /** Per model: the cell of every active profile, by profile name. */
    private Cache<String, Map<String, ServedCell>> cells;
    private Cache<Boolean, List<String>> active;
    /** Per model: what serves each active profile, or why nothing does (the model and version pages). */
    private Cache<String, Map<String, BestVariants.Answer>> answers;
    /** Bumped by every invalidation; a load that saw it change stores nothing. */
    private final AtomicLong generation = new AtomicLong();

    @PostConstruct
    void init() {
        cells = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.summaryTtl()).build();
        active = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(config.summaryTtl()).build();
        answers = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(config.summaryTtl()).build();
    }

    /** The active profiles' names, in the order the console shows them. Needs a transaction on a miss. */
    public List<String> activeProfiles() {
        List<String> names = active.getIfPresent(Boolean.TRUE);
        if (names == null) {
            long seen = generation.get();
            names = profiles.active().stream().map(DeviceProfile::name).toList();
            if (generation.get() == seen) {
                active.put(Boolean.TRUE, names);
            }
        }
        return names;
    }

    /**
     * The cells of each model, in {@code activeProfiles()} order; what memory lacks is read in one go (one query for
     * the pairs that have an effective promotion, one bulk best-variant read for those). Needs a transaction.
     */
    public Map<String, List<ServedCell>> of(Collection<String> models, List<String> activeProfiles) {
        Map<String, Map<String, ServedCell>> found = new HashMap<>(cells.getAllPresent(models));
        List<String> missing = models.stream().filter(m -> !found.containsKey(m)).distinct().toList();
        if (!missing.isEmpty()) {
            long seen = generation.get();
            Map<String, Map<String, ServedCell>> loaded = load(missing, activeProfiles);
            found.putAll(loaded);
            if (generation.get() == seen) {
                cells.putAll(loaded);
            }
        }
        Map<String, List<ServedCell>> out = new LinkedHashMap<>();
        for (String m : models) {
            Map<String, ServedCell> byProfile = found.get(m);
            List<ServedCell> row = new ArrayList<>();
            for (String p : activeProfiles) {
                ServedCell c = byProfile.get(p);
                // a profile activated after the entry was read: shown as unknown until the entry is re-read
                row.add(c != null ? c : nothing(p));
            }
            out.put(m, row);
        }
        return out;
    }

    /**
     * What serves {@code model} on each profile, or why nothing does: one bulk read of the best-variant snapshots
     * when memory lacks the model or one of the profiles. Needs a transaction.
     */
    public Map<String, BestVariants.Answer> answers(String model, List<String> profiles) {
        Map<String, BestVariants.Answer> cached = answers.getIfPresent(model);
        if (cached != null && cached.keySet().containsAll(profiles)) {
            return cached;
        }
        long seen = generation.get();
        List<BestVariants.Pair> pairs = profiles.stream().map(p -> new BestVariants.Pair(model, p)).toList();
        Map<String, BestVariants.Answer> out = new HashMap<>();
        best.byProfiles(pairs).forEach((pair, answer) -> out.put(pair.profile(), answer));
        for (String p : profiles) {
            out.computeIfAbsent(p, q -> { // the bulk read answers every pair; this only guards against a gap
                try {
                    return new BestVariants.Answer(best.byProfile(model, q), null);
                } catch (ProblemException e) {
                    return new BestVariants.Answer(null, e);
                }
            });
        }
        Map<String, BestVariants.Answer> loaded = Map.copyOf(out);
        if (generation.get() == seen) {
            answers.put(model, loaded);
        }
        return loaded;
    }

    private Map<String, Map<String, ServedCell>> load(List<String> models, List<String> activeProfiles) {
        Set<BestVariants.Pair> serving = servingPairs(models);
        serving.removeIf(p -> !activeProfiles.contains(p.profile()));
        Map<BestVariants.Pair, BestVariants.Answer> served = best.byProfiles(serving);
        Map<String, Map<String, ServedCell>> out = new HashMap<>();
        for (String m : models) {
            Map<String, ServedCell> row = new HashMap<>();
            for (String p : activeProfiles) {
                BestVariants.Answer answer = served.get(new BestVariants.Pair(m, p));
                row.put(p, answer != null ? served(p, answer) : nothing(p));
            }
            out.put(m, row);
        }
        return out;
    }

    /**
     * The (model, profile) pairs that have an effective promotion, in one query for all the models: the list asks the
     * best-variant query only where something serves, and leaves the costlier "why nothing" to the model page.
     */
    private static Set<BestVariants.Pair> servingPairs(List<String> models) {
        List<Object[]> pairs = PromotionEntity.getEntityManager().createQuery(
                        "select distinct p.model.name, p.profile from PromotionEntity p "
                                + "where p.model.name in :names and p.effectiveAt is not null", Object[].class)
                .setParameter("names", models).getResultList();
        Set<BestVariants.Pair> out = new HashSet<>();
        pairs.forEach(r -> out.add(new BestVariants.Pair((String) r[0], (String) r[1])));
        return out;
    }

    private static ServedCell nothing(String profile) {
        return new ServedCell(profile, false, null, null, null, "nothing promoted yet; the model page says why");
    }

    private static ServedCell served(String profile, BestVariants.Answer answer) {
        BestVariant b = answer.served();
        if (b == null) {
            return new ServedCell(profile, false, null, null, null, answer.nothing().getMessage());
        }
        return new ServedCell(profile, true, b.recipe().label() + " (v" + b.version() + ")",
                b.deltas() == null ? "—" : Format.ratio(b.deltas().sizeRatio()),
                b.deltas() == null ? "—" : Format.ratio(b.deltas().latencyRatio()), null);
    }

    /** Drops everything (tests; a profile change). */
    public void invalidateAll() {
        generation.incrementAndGet();
        active.invalidateAll();
        cells.invalidateAll();
        answers.invalidateAll();
    }

    private void invalidate(String model) {
        generation.incrementAndGet();
        cells.invalidate(model);
        answers.invalidate(model);
    }

    void onPromotion(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(AFTER_BEST_CACHE)
                     PromotionChanged changed) {
        invalidate(changed.modelName());
    }

    /** The served variant's numbers (and "benchmarks pending" answers) move with its benchmarks. */
    void onBenchmarks(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(AFTER_BEST_CACHE)
                      BenchmarksChanged changed) {
        invalidate(changed.modelName());
    }

    /** A new version's queued jobs change the "nothing served yet: why" answers (the event names no model). */
    void onVersion(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(AFTER_BEST_CACHE)
                   VersionCreated created) {
        generation.incrementAndGet();
        answers.invalidateAll();
    }

    void onProfile(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(AFTER_BEST_CACHE)
                   ProfileChanged changed) {
        invalidateAll();
    }
}
