package dev.modelforge.worker.benchmark.measure;

import ai.djl.ndarray.NDList;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.api.benchmark.LatencyComparison;
import java.util.Arrays;

/**
 * Baseline and variant timed in turn in one process at batch 1, alternating the order every round
 * (A B, B A, A B, …) so drift, thermal state and cache effects fall on both equally. Both sessions run
 * with spinning disabled ({@link LoadedModel}), otherwise the idle one steals the timed one's cores.
 * Each round yields the ratio of the two models' median latencies in that round; the reported ratio is
 * the median over rounds with a percentile-bootstrap confidence interval (fixed seed).
 */
public final class PairedBenchmark {

    /** Confidence level of the reported interval. */
    public static final double CONFIDENCE = 0.95;

    private final MeasurementPlan plan;

    /** @param plan rounds, iterations per round, bootstrap resamples and seed */
    public PairedBenchmark(MeasurementPlan plan) {
        this.plan = plan;
    }

    /**
     * @param baseline        the reference model (A)
     * @param variant         the model under test (B)
     * @param eval            evaluation set for real inputs, or null to generate them
     * @param baselineVariantId registry id of the baseline, or null
     * @return the ratio variant/baseline with its interval and both distributions
     */
    public LatencyComparison compare(LoadedModel baseline, LoadedModel variant, EvalDataset eval, Long baselineVariantId) {
        int rounds = plan.pairedRounds();
        int k = plan.iterationsPerRound();
        long[] aAll = new long[rounds * k];
        long[] bAll = new long[rounds * k];
        double[] ratios = new double[rounds];
        try (NDList a = baseline.prepare(InputFactory.inputs(baseline.signature(), eval, 1, plan.seed()));
             NDList b = variant.prepare(InputFactory.inputs(variant.signature(), eval, 1, plan.seed()))) {
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
        double ratio = Stats.median(ratios);
        double[] ci = Stats.bootstrapMedianInterval(ratios, CONFIDENCE, plan.bootstrapResamples(), plan.seed());
        return new LatencyComparison(baselineVariantId, rounds, ratio, ci[0], ci[1], CONFIDENCE,
                Stats.latency(1, aAll), Stats.latency(1, bAll));
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
