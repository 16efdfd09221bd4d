package dev.modelforge.worker.benchmark.measure;

/**
 * How long to measure. Counts are minimums and maximums; budgets stop a phase early once its minimum
 * count is reached, so a slow model still finishes and a fast one gets many samples.
 *
 * @param warmupIterations      minimum untimed runs before timing
 * @param warmupMillis          keep warming up until this much time has passed (bounded by 10x iterations)
 * @param minIterations         minimum timed batch-1 runs
 * @param maxIterations         maximum timed batch-1 runs
 * @param budgetMillis          time budget of the batch-1 phase once minIterations is reached
 * @param throughputIterations  timed runs per throughput batch size (maximum; budget applies too)
 * @param pairedRounds          interleaved rounds in a paired run (per process)
 * @param pairedProcesses       fresh processes the paired run is repeated in (each process shifts the
 *                              ratio slightly; the intervals are computed over processes)
 * @param iterationsPerRound    consecutive runs of one model inside a round
 * @param bootstrapResamples    resamples of the within-process bootstrap (used when there is one process)
 * @param seed                  seed for generated inputs and the bootstrap (results are reproducible)
 * @param jobLogSpread          standard deviation of ln(latency ratio) between repeated jobs that the
 *                              processes of one job cannot show (they share the machine's state while it
 *                              runs); a property of the machine, measured by bench/BenchmarkAgreementBench
 */
public record MeasurementPlan(int warmupIterations, long warmupMillis, int minIterations, int maxIterations,
                              long budgetMillis, int throughputIterations, int pairedRounds, int pairedProcesses,
                              int iterationsPerRound, int bootstrapResamples, long seed, double jobLogSpread) {

    /**
     * Job-level spread measured on the team's 2-vCPU VM (digits_cnn int8/float, 8 jobs of 6 processes in two
     * sessions 11 min apart): job ratios spread by 1.6 % (sd), while a job whose processes were all
     * undisturbed explains only ~0.6 % by its processes' spread — about 1.5 % is shared by a job's processes.
     * A dedicated, quiet benchmark machine can configure less.
     */
    public static final double DEFAULT_JOB_LOG_SPREAD = 0.015;

    public MeasurementPlan {
        if (!(jobLogSpread >= 0 && jobLogSpread < 1)) {
            throw new IllegalArgumentException("job spread must lie in [0, 1), got " + jobLogSpread);
        }
        if (warmupIterations < 0 || minIterations < 1 || maxIterations < minIterations || throughputIterations < 1
                || pairedRounds < 2 || pairedProcesses < 1 || iterationsPerRound < 1 || bootstrapResamples < 100) {
            throw new IllegalArgumentException("inconsistent measurement plan: " + minIterations + ".."
                    + maxIterations + " iterations, " + pairedRounds + " rounds, " + bootstrapResamples
                    + " resamples");
        }
    }

    /**
     * A plan with the {@link #DEFAULT_JOB_LOG_SPREAD default job-level spread}; parameters as in the record.
     */
    public MeasurementPlan(int warmupIterations, long warmupMillis, int minIterations, int maxIterations,
                           long budgetMillis, int throughputIterations, int pairedRounds, int pairedProcesses,
                           int iterationsPerRound, int bootstrapResamples, long seed) {
        this(warmupIterations, warmupMillis, minIterations, maxIterations, budgetMillis, throughputIterations,
                pairedRounds, pairedProcesses, iterationsPerRound, bootstrapResamples, seed, DEFAULT_JOB_LOG_SPREAD);
    }

    /**
     * @param processes    paired processes
     * @param jobLogSpread job-level spread of ln(ratio)
     * @return this plan with those two changed
     */
    public MeasurementPlan withPairing(int processes, double jobLogSpread) {
        return new MeasurementPlan(warmupIterations, warmupMillis, minIterations, maxIterations, budgetMillis,
                throughputIterations, pairedRounds, processes, iterationsPerRound, bootstrapResamples, seed,
                jobLogSpread);
    }

    /**
     * The worker's default: ~1 s warm-up, up to 2000 runs or 5 s, 6 processes × 15 paired rounds of 20 runs.
     * Six short processes rather than three long ones: the process is what the ratio's intervals are
     * computed over (t with k−1 df), and going from 3 to 6 processes halves their expected width
     * (t·s/√k: 2.48·s → 1.05·s) for the same number of timed rounds.
     *
     * @return the plan
     */
    public static MeasurementPlan standard() {
        return new MeasurementPlan(20, 1000, 50, 2000, 5000, 200, 15, 6, 20, 2000, 42L);
    }

    /** @return a plan for unit tests: few iterations, still every phase */
    public static MeasurementPlan quick() {
        return new MeasurementPlan(3, 0, 10, 20, 2000, 5, 6, 2, 3, 500, 42L);
    }
}
