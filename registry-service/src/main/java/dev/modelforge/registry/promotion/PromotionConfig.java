package dev.modelforge.registry.promotion;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Promotion engine settings, prefix {@code modelforge.promotion}. */
@ConfigMapping(prefix = "modelforge.promotion")
public interface PromotionConfig {

    /**
     * How long after a version's first undecided benchmark job the policy decides anyway, on the results that are in
     * (a dead worker pool must not block promotion forever; missing results count as "no completed benchmark").
     */
    @WithDefault("30m")
    Duration timeout();

    /** How often every replica looks for versions whose benchmarks completed without a result or timed out. */
    @WithDefault("10s")
    Duration sweepInterval();

    /** Best-variant cache: how long an answer may be served without re-reading the database. */
    @WithDefault("1s")
    Duration cacheTtl();

    /**
     * Best-variant cache: at most this many (model, profile) answers, negative ones included, so names that do not
     * exist cannot grow the heap without bound.
     */
    @WithDefault("10000")
    int cacheMaxEntries();

    /**
     * Stale-if-error: how long past {@link #cacheTtl()} a best-variant answer is still served (marked with the
     * {@code ModelForge-Stale} header) while the database or object storage cannot be read; after that, 503.
     */
    @WithDefault("60s")
    Duration staleIfError();
}
