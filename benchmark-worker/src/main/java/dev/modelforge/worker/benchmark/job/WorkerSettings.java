package dev.modelforge.worker.benchmark.job;

import dev.modelforge.api.client.OutageRetry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How this worker talks to the registry and retries; {@code modelforge.worker.*}, named as in the compression worker. */
@ConfigMapping(prefix = "modelforge.worker")
public interface WorkerSettings {

    /** API key with role {@code worker}, sent as {@code Authorization: Bearer} (env MODELFORGE_WORKER_API_KEY). */
    String apiKey();

    /** Name reported to the registry when a job starts; defaults to host name + pid. */
    Optional<String> id();

    /** Attempts per job for failures that are not an outage before it is dead-lettered. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the second attempt; doubled for every further one, up to {@link #maxBackoff()}. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Cap of the wait between retries during an outage. */
    @WithDefault("15s")
    Duration maxBackoff();

    /** A leased job is given up (the registry re-queues it) when an outage leaves less than this of its lease. */
    @WithDefault("5s")
    Duration leaseMargin();

    /** How long a job not yet started (the start itself fails) waits out an outage before it is dead-lettered. */
    @WithDefault("20m")
    Duration outagePatience();

    /** The retry policy these settings make. */
    default OutageRetry.Settings retry() {
        return new OutageRetry.Settings(initialBackoff(), maxBackoff(), leaseMargin(), outagePatience(),
                Math.max(1, maxAttempts()));
    }
}
