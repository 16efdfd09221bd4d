package dev.modelforge.registry.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Job leases ({@code modelforge.lease.*}), shared by compression and benchmark jobs; see {@link JobLeases}. */
@ConfigMapping(prefix = "modelforge.lease")
public interface LeaseConfig {

    /**
     * How long a claim (or the last heartbeat) keeps a job a worker's. Workers heartbeat every third of it, so
     * this is also how long a dead worker's job waits before it is re-queued.
     */
    @WithDefault("3m")
    Duration duration();

    /** How often each replica looks for expired leases (replicas skip rows another one is handling). */
    @WithDefault("15s")
    Duration sweepInterval();

    /** Leases granted per job; a lease that expires on the last one fails the job instead of re-queuing it. */
    @WithDefault("3")
    int maxAttempts();
}
