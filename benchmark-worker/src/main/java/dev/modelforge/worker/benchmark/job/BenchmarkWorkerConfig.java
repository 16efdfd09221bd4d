package dev.modelforge.worker.benchmark.job;

import dev.modelforge.worker.benchmark.measure.MeasurementPlan;
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

    /**
     * Interleaved processes per paired comparison (each a fresh JVM). The ratio's intervals are Student-t
     * intervals over processes, so fewer than ~5 make them wide (t = 4.30 at 3 processes, 2.57 at 6).
     */
    @WithDefault("6")
    int pairedProcesses();

    /**
     * Standard deviation of ln(latency ratio) between repeated jobs that a job's processes share and so
     * cannot show (the machine's state while the job runs); added to the ratio's intervals. Measure it on
     * the benchmark machine with bench/BenchmarkAgreementBench; 0.015 was measured on the team's VM.
     */
    @WithDefault("" + MeasurementPlan.DEFAULT_JOB_LOG_SPREAD)
    double jobSpread();

    /** How long to measure: {@code standard} in production, {@code quick} for tests and demos (fewer samples). */
    @WithDefault("standard")
    Plan plan();

    /** Version recorded in every fingerprint. */
    @WithDefault("${quarkus.application.version:dev}")
    String workerVersion();

    /** The measurement plans the worker can be configured with. */
    enum Plan {
        /** {@link MeasurementPlan#standard()}. */
        STANDARD,
        /** {@link MeasurementPlan#quick()}: every phase, few iterations. */
        QUICK;

        /**
         * @param processes paired processes per comparison
         * @param jobSpread job-level spread of ln(ratio), see {@link BenchmarkWorkerConfig#jobSpread()}
         * @return the plan with that many paired processes and that spread
         */
        public MeasurementPlan with(int processes, double jobSpread) {
            MeasurementPlan p = this == STANDARD ? MeasurementPlan.standard() : MeasurementPlan.quick();
            return p.withPairing(processes, jobSpread);
        }
    }
}
