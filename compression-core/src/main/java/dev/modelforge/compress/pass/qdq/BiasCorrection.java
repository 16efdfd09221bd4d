package dev.modelforge.compress.pass.qdq;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import dev.modelforge.compress.calibrate.CalibrationData;
import dev.modelforge.compress.calibrate.Calibrator;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes the mean shift int8 weight rounding puts on a Conv's output: with ΔW = W − dq(q(W)) and x̄ the mean of each
 * input channel on the calibration samples, the quantized Conv's output is off by ΔW·x̄ per output channel on average,
 * so that is added to its bias (empirical bias correction; zero padding at the borders is ignored).
 *
 * <p>Rounding errors of a small filter do not average out: a 3×3 depthwise filter has 9 of them, and behind
 * hard-swish its input has a large positive mean, so every output channel moves by a constant. Applied before
 * calibration, so the output ranges are those of the corrected model.
 */
final class BiasCorrection {

    private static final int MAX_SAMPLES = 16;

    private BiasCorrection() {
    }

    /** Corrects the float biases of the int8-weight Convs of {@code prepared} in place; returns how many. */
    static int apply(Model prepared, QdqPlan plan, StaticQuantOptions options, CalibrationData data)
            throws OrtException {
        Graph graph = prepared.graph();
        List<Node> convs = new ArrayList<>();
        for (QdqPlan.Decision d : plan.decisions()) {
            Node n = d.node();
            boolean int8Weights = d.kind() == QdqPlan.Kind.QUANTIZE_WEIGHTED || d.kind() == QdqPlan.Kind.WEIGHT_ONLY;
            if (int8Weights && n.is("Conv") && n.inputs().size() > 2 && !n.input(2).isEmpty()
                    && graph.floatInitializer(n.input(2)).isPresent() && graph.hasSoleReader(n.input(2))
                    && graph.floatInitializer(n.input(1)).isPresent()) {
                convs.add(n);
            }
        }
        if (convs.isEmpty()) {
            return 0;
        }
        Set<String> inputs = new LinkedHashSet<>();
        convs.forEach(c -> inputs.add(c.input(0)));
        Map<String, double[]> sums = new HashMap<>();
        Map<String, long[]> counts = new HashMap<>();
        OnnxMl.ModelProto exposed = Calibrator.exposeTensors(prepared.toProto(), inputs);
        SampleRuns.run(exposed, data, Math.min(MAX_SAMPLES, data.sampleCount()), options.calibration().intraOpThreads(),
                List.of(), (name, shape, values) -> {
                    if (inputs.contains(name) && shape.length >= 3) {
                        channelSums(shape, values, sums.computeIfAbsent(name, k -> new double[(int) shape[1]]),
                                counts.computeIfAbsent(name, k -> new long[1]));
                    }
                });
        int corrected = 0;
        for (Node conv : convs) {
            double[] sum = sums.get(conv.input(0));
            if (sum == null) {
                continue;
            }
            double[] mean = new double[sum.length];
            for (int c = 0; c < sum.length; c++) {
                mean[c] = sum[c] / counts.get(conv.input(0))[0];
            }
            if (correct(graph, conv, mean, options)) {
                corrected++;
            }
        }
        return corrected;
    }

    private static void channelSums(long[] shape, FloatBuffer values, double[] sum, long[] count) {
        count[0] += SampleRuns.forEachChannelValue(shape, values, (c, v) -> sum[c] += v);
    }

    private static boolean correct(Graph graph, Node conv, double[] mean, StaticQuantOptions options) {
        Tensor w = graph.initializer(conv.input(1)).orElseThrow();
        Tensor b = graph.initializer(conv.input(2)).orElseThrow();
        long[] shape = w.shape(); // [M, C/group, kh, kw]
        int m = (int) shape[0];
        int perGroupIn = (int) shape[1];
        int taps = (int) (w.elementCount() / ((long) m * perGroupIn));
        int group = (int) conv.attrInt("group", 1);
        if (b.elementCount() != m || (long) perGroupIn * group != mean.length) {
            return false;
        }
        float[] wf = w.floats();
        WeightQuantizer.Quantized q = WeightQuantizer.quantize(wf, shape, 0, options.perChannel(),
                options.weightQmax());
        float[] bias = b.floats();
        int outPerGroup = m / group;
        for (int o = 0; o < m; o++) {
            float scale = q.scales()[q.scales().length == 1 ? 0 : o];
            int g = o / outPerGroup;
            double shift = 0;
            for (int i = 0; i < perGroupIn; i++) {
                double x = mean[g * perGroupIn + i];
                for (int t = 0; t < taps; t++) {
                    int k = (o * perGroupIn + i) * taps + t;
                    shift += (wf[k] - q.values()[k] * (double) scale) * x;
                }
            }
            bias[o] = (float) (bias[o] + shift);
        }
        graph.putInitializer(Tensor.ofFloats(b.name(), b.shape(), bias));
        return true;
    }
}
