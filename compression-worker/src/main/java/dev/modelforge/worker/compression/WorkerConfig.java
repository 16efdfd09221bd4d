package dev.modelforge.worker.compression;

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

    /** Attempts per delivery before the job is declared dead and the message goes to the dead-letter topic. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the second attempt; doubled for every further one. */
    @WithDefault("2s")
    Duration initialBackoff();

    /** ONNX Runtime intra-op threads a pass may use (calibration runs the model). */
    @WithDefault("1")
    int threads();

    /** Where per-job temporary directories are created; removed after each job. */
    Optional<Path> workDir();

    /** Minimum time between two progress reports of one job, so a chatty pass does not flood the registry. */
    @WithDefault("1s")
    Duration progressInterval();
}
