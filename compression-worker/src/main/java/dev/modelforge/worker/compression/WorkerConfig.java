package dev.modelforge.worker.compression;

import dev.modelforge.api.client.OutageRetry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the compression worker ({@code modelforge.worker.*}). */
@ConfigMapping(prefix = "modelforge.worker")
public interface WorkerConfig {

    /** Name reported to the registry with every call; defaults to host name + pid. */
    Optional<String> id();

    /**
     * Attempts per delivery for failures that are not an outage (a corrupt artifact, a bug) before the job is
     * declared dead and the message goes to the dead-letter topic.
     */
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

    /**
     * How long a job not yet claimed (the claim itself fails) waits out an outage before it is dead-lettered.
     * Shorter than the channel's unprocessed-record-max-age, so the blocked message never marks the channel unhealthy.
     */
    @WithDefault("20m")
    Duration outagePatience();

    /** The retry policy these settings make. */
    default OutageRetry.Settings retry() {
        return new OutageRetry.Settings(initialBackoff(), maxBackoff(), leaseMargin(), outagePatience(),
                Math.max(1, maxAttempts()));
    }

    /** ONNX Runtime intra-op threads a pass may use (calibration runs the model). */
    @WithDefault("1")
    int threads();

    /** Where per-job temporary directories are created; removed after each job. */
    Optional<Path> workDir();

    /** Minimum time between two progress reports of one job, so a chatty pass does not flood the registry. */
    @WithDefault("1s")
    Duration progressInterval();
}
