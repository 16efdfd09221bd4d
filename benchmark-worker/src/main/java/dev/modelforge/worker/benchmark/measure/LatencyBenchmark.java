package dev.modelforge.worker.benchmark.measure;

import ai.djl.ndarray.NDList;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.api.benchmark.LatencyStats;
import dev.modelforge.api.benchmark.ThroughputPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latency at batch 1 and throughput at the profile's batch sizes for one loaded model:
 * warm up (iterations and/or time), then time single calls until the iteration count or budget is reached.
 */
public final class LatencyBenchmark {

    private final MeasurementPlan plan;

    /** @param plan iteration counts and budgets */
    public LatencyBenchmark(MeasurementPlan plan) {
        this.plan = plan;
    }

    /**
     * @param model      loaded model
     * @param eval       evaluation set for real inputs, or null to generate them
     * @param batchSizes throughput batch sizes (batch 1 latency is always measured)
     * @return the report
     */
    public LatencyReport measure(LoadedModel model, EvalDataset eval, List<Integer> batchSizes) {
        List<String> notes = new ArrayList<>();
        notes.add(eval != null && eval.sampleCount() > 0 ? "inputs: evaluation set" : "inputs: generated from signature");
        LatencyStats batch1;
        try (NDList in = model.prepare(InputFactory.inputs(model.signature(), eval, 1, plan.seed()))) {
            warmUp(model, in);
            batch1 = Stats.latency(1, timeRuns(model, in, plan.minIterations(), plan.maxIterations(), plan.budgetMillis()));
        }
        List<ThroughputPoint> throughput = new ArrayList<>();
        for (int batch : batchSizes) {
            if (batch == 1) {
                throughput.add(new ThroughputPoint(1, 1000.0 / batch1.p50Millis(), batch1));
                continue;
            }
            try (NDList in = model.prepare(InputFactory.inputs(model.signature(), eval, batch, plan.seed()))) {
                for (int i = 0; i < Math.max(2, plan.warmupIterations() / 4); i++) {
                    model.timeOnce(in);
                }
                int min = Math.min(plan.throughputIterations(), Math.max(3, plan.minIterations() / 4));
                LatencyStats s = Stats.latency(batch, timeRuns(model, in, min, plan.throughputIterations(),
                        plan.budgetMillis()));
                throughput.add(new ThroughputPoint(batch, batch * 1000.0 / s.p50Millis(), s));
            } catch (InputFactory.UnsupportedBatchException e) {
                notes.add("batch " + batch + " skipped: " + e.getMessage());
            }
        }
        return new LatencyReport(model.loadMillis(), model.sizeBytes(), batch1, throughput, notes);
    }

    void warmUp(LoadedModel model, NDList in) {
        long deadline = System.nanoTime() + plan.warmupMillis() * 1_000_000L;
        int cap = Math.max(plan.warmupIterations() * 10, 10);
        for (int i = 0; i < cap && (i < plan.warmupIterations() || System.nanoTime() < deadline); i++) {
            model.timeOnce(in);
        }
    }

    static long[] timeRuns(LoadedModel model, NDList in, int min, int max, long budgetMillis) {
        long[] samples = new long[Math.min(max, 1024)];
        long deadline = System.nanoTime() + budgetMillis * 1_000_000L;
        int n = 0;
        while (n < max && (n < min || System.nanoTime() < deadline)) {
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, (int) Math.min(max, 2L * n));
            }
            samples[n++] = model.timeOnce(in);
        }
        return Arrays.copyOf(samples, n);
    }
}
