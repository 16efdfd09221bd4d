package dev.modelforge.worker.benchmark.measure;

import ai.djl.ndarray.NDList;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.api.benchmark.LatencyComparison;
import java.util.Arrays;
import java.util.List;

/**
 * Baseline and variant timed in turn in one process (batch 1 unless told otherwise), alternating the order every round
 * (A B, B A, A B, …) so drift, thermal state and cache effects fall on both equally. Both sessions run
 * with spinning disabled ({@link LoadedModel}), otherwise the idle one steals the timed one's cores.
 * Each round yields the ratio of the two models' median latencies in that round; each process's ratio is
 * the median over its rounds, and {@link #combine} turns the per-process ratios into the reported ratio
 * with a confidence interval and a prediction interval for a repeated job.
 */
public final class PairedBenchmark {

    /** Confidence level of the reported intervals. */
    public static final double CONFIDENCE = 0.95;

    private final MeasurementPlan plan;
    private final int batchSize;

    /** @param plan rounds, iterations per round, bootstrap resamples and seed; batch 1 */
    public PairedBenchmark(MeasurementPlan plan) {
        this(plan, 1);
    }

    /**
     * @param plan      rounds, iterations per round, bootstrap resamples and seed
     * @param batchSize batch size of every timed call (tiny models are overhead-bound at batch 1)
     */
    public PairedBenchmark(MeasurementPlan plan, int batchSize) {
        this.plan = plan;
        this.batchSize = batchSize;
    }

    /**
     * One interleaved run in this process, summarised on its own (the in-process use: tests, benches).
     *
     * @param baseline          the reference model (A)
     * @param variant           the model under test (B)
     * @param eval              evaluation set for real inputs, or null to generate them
     * @param baselineVariantId registry id of the baseline, or null
     * @return the ratio variant/baseline with its interval and both distributions
     */
    public LatencyComparison compare(LoadedModel baseline, LoadedModel variant, EvalDataset eval, String baselineVariantId) {
        return combine(List.of(run(baseline, variant, eval)), baselineVariantId, plan);
    }

    /**
     * @param baseline the reference model (A)
     * @param variant  the model under test (B)
     * @param eval     evaluation set for real inputs, or null to generate them
     * @return per-round ratios and all samples
     */
    public PairedRun run(LoadedModel baseline, LoadedModel variant, EvalDataset eval) {
        int rounds = plan.pairedRounds();
        int k = plan.iterationsPerRound();
        long[] aAll = new long[rounds * k];
        long[] bAll = new long[rounds * k];
        double[] ratios = new double[rounds];
        try (NDList a = baseline.prepare(InputFactory.inputs(baseline.signature(), eval, batchSize, plan.seed()));
             NDList b = variant.prepare(InputFactory.inputs(variant.signature(), eval, batchSize, plan.seed()))) {
            LatencyBenchmark warm = new LatencyBenchmark(plan);
            warm.warmUp(baseline, a);
            warm.warmUp(variant, b);
            long[] roundA = new long[k];
            long[] roundB = new long[k];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    runInto(baseline, a, roundA);
                    runInto(variant, b, roundB);
                } else {
                    runInto(variant, b, roundB);
                    runInto(baseline, a, roundA);
                }
                System.arraycopy(roundA, 0, aAll, r * k, k);
                System.arraycopy(roundB, 0, bAll, r * k, k);
                ratios[r] = medianNanos(roundB) / medianNanos(roundA);
            }
        }
        return new PairedRun(batchSize, ratios, aAll, bAll);
    }

    /**
     * Pools runs from several processes. Each process contributes one ratio, the median of its round ratios
     * (robust to a disturbed round); the reported ratio is the median over processes and the intervals are
     * t intervals over processes ({@link Stats#ratioIntervals}), because the process, not the round, is
     * the unit that repeats: rounds in one process share its memory layout, JIT state and moment on the
     * machine, so a bootstrap over rounds, or over only three processes, is far narrower than the spread of
     * repeated jobs (measured: 1–3 of 6 repeats inside such an interval). The plan's {@link MeasurementPlan#jobLogSpread} adds
     * what processes of one job share. With a single process the within-process bootstrap of its round
     * ratios is added too, since no between-process spread can be seen.
     *
     * @param runs              one or more runs of the same pair
     * @param baselineVariantId registry id of the baseline, or null
     * @param plan              job-level spread; bootstrap resamples and seed (single-process case)
     * @return the comparison
     */
    public static LatencyComparison combine(List<PairedRun> runs, String baselineVariantId, MeasurementPlan plan) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no paired runs to combine");
        }
        double[] perProcess = runs.stream().mapToDouble(r -> Stats.median(r.roundRatios())).toArray();
        double jobSpread = plan.jobLogSpread();
        if (runs.size() == 1) {
            // the only spread one process shows: its own rounds' (bootstrap of their median), on top of the job's
            double[] boot = Stats.bootstrapMedianInterval(runs.get(0).roundRatios(), CONFIDENCE,
                    plan.bootstrapResamples(), plan.seed());
            double halfWidth = Math.max(Math.log(perProcess[0] / boot[0]), Math.log(boot[1] / perProcess[0]));
            double within = halfWidth / StudentT.normalTwoSidedQuantile(CONFIDENCE);
            jobSpread = Math.sqrt(jobSpread * jobSpread + within * within);
        }
        Stats.RatioIntervals iv = Stats.ratioIntervals(perProcess, CONFIDENCE, jobSpread);
        long[] a = runs.stream().flatMapToLong(r -> Arrays.stream(r.baselineNanos())).toArray();
        long[] b = runs.stream().flatMapToLong(r -> Arrays.stream(r.variantNanos())).toArray();
        int batch = runs.get(0).batchSize();
        int rounds = runs.stream().mapToInt(r -> r.roundRatios().length).sum();
        return new LatencyComparison(baselineVariantId, runs.size(), rounds, iv.ratio(), iv.ciLow(), iv.ciHigh(),
                CONFIDENCE, Stats.latency(batch, a), Stats.latency(batch, b),
                Arrays.stream(perProcess).boxed().toList(), iv.predictionLow(), iv.predictionHigh());
    }

    private static void runInto(LoadedModel model, NDList in, long[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = model.timeOnce(in);
        }
    }

    private static double medianNanos(long[] nanos) {
        return Stats.median(Arrays.stream(nanos).asDoubleStream().toArray());
    }
}
