package dev.modelforge.worker.benchmark.job;

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

    /** Attempts per job for transient failures (registry or storage unreachable) before it is dead-lettered. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the second attempt; doubled for every further one. */
    @WithDefault("2s")
    Duration initialBackoff();
}
