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
 */
public record MeasurementPlan(int warmupIterations, long warmupMillis, int minIterations, int maxIterations,
                              long budgetMillis, int throughputIterations, int pairedRounds, int pairedProcesses,
                              int iterationsPerRound, int bootstrapResamples, long seed) {

    public MeasurementPlan {
        if (warmupIterations < 0 || minIterations < 1 || maxIterations < minIterations || throughputIterations < 1
                || pairedRounds < 2 || pairedProcesses < 1 || iterationsPerRound < 1 || bootstrapResamples < 100) {
            throw new IllegalArgumentException("inconsistent measurement plan: " + minIterations + ".."
                    + maxIterations + " iterations, " + pairedRounds + " rounds, " + bootstrapResamples
                    + " resamples");
        }
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
