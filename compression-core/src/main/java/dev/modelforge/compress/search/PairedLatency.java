package dev.modelforge.compress.search;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.pass.prune.Activations;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency of a candidate relative to a reference, measured side by side in one process: both
 * sessions with spinning disabled (an idle spinning pool steals the cores of the timed one), runs
 * interleaved A B, B A, … so drift hits both, each turn the best of a short burst, ratio of medians.
 */
public final class PairedLatency {
    private PairedLatency() {
    }

    /**
     * Median latency of {@code candidate} divided by that of {@code reference}.
     *
     * @param batch  samples per run (taken from {@code data})
     * @param rounds interleaved rounds (each runs both models once after warm-up)
     */
    public static double ratio(Path reference, Path candidate, EvalDataset data, int batch, int rounds, int threads)
            throws OrtException {
        Map<String, NdArray> feeds = data.batch(0, Math.min(batch, data.sampleCount()));
        try (OrtSession a = OrtSessions.open(reference, threads, null);
             OrtSession b = OrtSessions.open(candidate, threads, null)) {
            Map<String, OnnxTensor> ia = tensors(a, feeds);
            Map<String, OnnxTensor> ib = tensors(b, feeds);
            try {
                for (int i = 0; i < 10; i++) { // arena growth and first-run allocations out of the timing
                    time(a, ia);
                    time(b, ib);
                }
                long[] ta = new long[rounds];
                long[] tb = new long[rounds];
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        ta[r] = time(a, ia);
                        tb[r] = time(b, ib);
                    } else {
                        tb[r] = time(b, ib);
                        ta[r] = time(a, ia);
                    }
                }
                return median(tb) / median(ta);
            } finally {
                ia.values().forEach(OnnxTensor::close);
                ib.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static Map<String, OnnxTensor> tensors(OrtSession s, Map<String, NdArray> feeds) throws OrtException {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : feeds.entrySet()) {
            if (s.getInputNames().contains(e.getKey())) {
                out.put(e.getKey(), OrtSessions.tensor(e.getValue()));
            }
        }
        return out;
    }

    /**
     * Best of three back-to-back runs: on a shared, overloaded machine a single run is often
     * preempted, and the minimum of a short burst tracks the model's own cost far better.
     */
    private static long time(OrtSession s, Map<String, OnnxTensor> in) throws OrtException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (OrtSession.Result r = s.run(in)) {
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        return best;
    }

    private static double median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
    }
}
