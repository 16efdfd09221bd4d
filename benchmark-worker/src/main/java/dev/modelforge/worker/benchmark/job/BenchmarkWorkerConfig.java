package dev.modelforge.worker.benchmark.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What this worker serves and how long it may take; prefix {@code modelforge.benchmark}. */
@ConfigMapping(prefix = "modelforge.benchmark")
public interface BenchmarkWorkerConfig {

    /** Device profiles served; one Kafka consumer group {@code modelforge-benchmark-<profile>} each. */
    List<String> profiles();

    /** Throughput batch sizes (device profiles do not carry them). 8 is where small models become compute-bound. */
    @WithDefault("1,8")
    List<Integer> batchSizes();

    /** Per child process; a model that runs longer fails with reason TIMEOUT instead of blocking the group. */
    @WithDefault("PT10M")
    Duration timeout();

    /** Scratch space for downloaded artifacts (deleted after each job); default: the system temp dir. */
    Optional<String> workDir();

    /** Interleaved processes per paired comparison (each a fresh JVM). */
    @WithDefault("3")
    int pairedProcesses();

    /** Version recorded in every fingerprint. */
    @WithDefault("${quarkus.application.version:dev}")
    String workerVersion();
}
