package dev.modelforge.worker.benchmark.measure;

import ai.djl.ndarray.NDList;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.api.benchmark.AccuracyKind;
import dev.modelforge.api.benchmark.AccuracyMetrics;
import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.onnx.Dim;
import dev.modelforge.onnx.TensorSpec;
import java.util.Map;

/**
 * Accuracy of a model on an evaluation set, on the profile's runtime: top-1 against labels when the set
 * has them; fidelity to the baseline's outputs (top-1 agreement, mean cosine similarity, max absolute
 * error) when a baseline is given. Metrics use the model's first output, one row per sample.
 */
public final class AccuracyEvaluator {

    private static final int MAX_BATCH = 32;

    /**
     * @param model    model under test
     * @param baseline baseline for fidelity, or null
     * @param eval     evaluation set (at least one sample)
     * @return metrics; kind LABELS when labels exist, else FIDELITY
     * @throws BenchmarkFailure INVALID_INPUT when neither labels nor a baseline are available or shapes differ
     */
    public AccuracyMetrics evaluate(LoadedModel model, LoadedModel baseline, EvalDataset eval) {
        long[] labels = eval.labels().map(NdArray::toLongArray).orElse(null);
        if (labels == null && baseline == null) {
            throw new BenchmarkFailure(FailureReason.INVALID_INPUT,
                    "evaluation set has no labels and no baseline was given: nothing to compare against");
        }
        // per-case data (state inputs, scalars) is fed one case at a time, as stored
        int batch = Math.min(Math.min(batchSize(model, baseline), eval.sampleCount()), eval.maxBatch());
        String outputName = model.signature().outputs().get(0).name();
        int n = eval.sampleCount();
        long correct = 0;
        long agree = 0;
        double cosineSum = 0;
        double maxAbs = 0;
        for (int start = 0; start < n; start += batch) {
            int size = Math.min(batch, n - start);
            Map<String, NdArray> inputs = eval.batch(start, size);
            double[][] rows = rows(runFirstOutput(model, inputs), size);
            double[][] ref = baseline == null ? null : rows(runFirstOutput(baseline, inputs), size);
            for (int i = 0; i < size; i++) {
                int top = argmax(rows[i]);
                if (labels != null && top == labels[start + i]) {
                    correct++;
                }
                if (ref != null) {
                    if (ref[i].length != rows[i].length) {
                        throw new BenchmarkFailure(FailureReason.INVALID_INPUT,
                                "output '" + outputName + "' has " + rows[i].length + " values per sample, baseline has "
                                        + ref[i].length);
                    }
                    agree += top == argmax(ref[i]) ? 1 : 0;
                    cosineSum += cosine(rows[i], ref[i]);
                    maxAbs = Math.max(maxAbs, maxAbsDiff(rows[i], ref[i]));
                }
            }
        }
        return new AccuracyMetrics(labels != null ? AccuracyKind.LABELS : AccuracyKind.FIDELITY, n, outputName,
                labels != null ? (double) correct / n : null,
                baseline != null ? (double) agree / n : null,
                baseline != null ? cosineSum / n : null,
                baseline != null ? maxAbs : null);
    }

    private static NdArray runFirstOutput(LoadedModel model, Map<String, NdArray> inputs) {
        try (NDList in = model.prepare(inputs)) {
            return model.run(in).values().iterator().next();
        }
    }

    private static double[][] rows(NdArray t, int samples) {
        if (t.shape().length == 0 || t.shape()[0] != samples) {
            throw new BenchmarkFailure(FailureReason.INVALID_INPUT,
                    "first output has shape " + java.util.Arrays.toString(t.shape()) + ", expected " + samples
                            + " rows (one per sample)");
        }
        double[] all = t.toDoubleArray();
        int width = all.length / samples;
        double[][] out = new double[samples][width];
        for (int i = 0; i < samples; i++) {
            System.arraycopy(all, i * width, out[i], 0, width);
        }
        return out;
    }

    private static int batchSize(LoadedModel model, LoadedModel baseline) {
        return batchFlexible(model, baseline) ? MAX_BATCH : 1;
    }

    private static boolean batchFlexible(LoadedModel model, LoadedModel baseline) {
        return flexible(model) && (baseline == null || flexible(baseline));
    }

    private static boolean flexible(LoadedModel m) {
        for (TensorSpec s : m.signature().inputs()) {
            if (s.rank() > 0 && s.shape().get(0) instanceof Dim.Fixed) {
                return false;
            }
        }
        return true;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        if (na == 0 && nb == 0) {
            return 1.0;
        }
        return na == 0 || nb == 0 ? 0.0 : dot / Math.sqrt(na * nb);
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
