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
import java.util.Optional;
import java.util.Set;

/**
 * Equalizes the channel ranges of a tensor that one Conv writes and a depthwise Conv reads, before calibration: output
 * channel c of the writer is multiplied by k_c and the depthwise filter of channel c divided by it. In float nothing
 * changes (a Relu in between commutes with k_c &gt; 0; zero padding stays zero); per-channel weight quantization
 * absorbs the factors on both sides exactly; and the one per-tensor activation scale between them no longer rounds the
 * quiet channels away to fit the loud ones.
 *
 * <p>A BatchNorm folded into a Conv that no activation follows leaves channels whose ranges differ by its scale:
 * PP-OCRv4's recogniser's stem feeds a depthwise Conv directly, and that one tensor's quantization alone took its
 * held-out output cosine from 0.994 to 0.967 (0.993 after equalization). Only depthwise readers are
 * handled: there each channel has its own filter, so the factor lands on one output channel's weights, where it costs
 * nothing; a dense reader would mix the factors into every filter.
 */
final class ChannelEqualization {

    /** Samples the channel ranges are measured on. */
    private static final int MAX_SAMPLES = 16;
    /** A channel this much quieter than the loudest is left alone (dead, or all but: nothing to equalize). */
    private static final double DEAD = 1e-6;

    /** A writer Conv, the tensor between (what the depthwise Conv reads) and the depthwise Conv. */
    record Pair(Node writer, String tensor, Node depthwise) {
    }

    private ChannelEqualization() {
    }

    /** Pairs of {@code graph} whose shared tensor {@code plan} quantizes (per-channel weights only). */
    static List<Pair> pairs(Graph graph, QdqPlan plan, StaticQuantOptions options) {
        List<Pair> out = new ArrayList<>();
        if (!options.perChannel()) {
            return out;
        }
        Map<String, List<Node>> consumers = graph.consumerMap();
        Map<String, Node> producers = graph.producerMap();
        for (Node dw : graph.nodes()) {
            QdqPlan.Decision d = plan.decision(dw);
            if (!dw.is("Conv") || !dw.domain().isEmpty() || d == null || d.kind() != QdqPlan.Kind.QUANTIZE_WEIGHTED) {
                continue;
            }
            String x = dw.input(0);
            Optional<Tensor> w = graph.floatInitializer(dw.input(1));
            if (w.isEmpty() || w.get().rank() != 4 || w.get().dim(1) != 1 || dw.attrInt("group", 1) != w.get().dim(0)
                    || !plan.isQuantized(x) || single(consumers, x) == null || !graph.hasSoleReader(dw.input(1))) {
                continue;
            }
            Node writer = producers.get(x);
            if (writer != null && writer.is("Relu") && writer.domain().isEmpty()
                    && single(consumers, writer.input(0)) == writer && !graph.isGraphOutput(writer.input(0))) {
                writer = producers.get(writer.input(0)); // k > 0 commutes with Relu
            }
            if (writer == null || !writer.is("Conv") || !writer.domain().isEmpty()
                    || !graph.hasSoleReader(writer.input(1))) {
                continue;
            }
            Optional<Tensor> ww = graph.floatInitializer(writer.input(1));
            boolean biasOk = writer.inputs().size() < 3 || writer.input(2).isEmpty()
                    || (graph.floatInitializer(writer.input(2)).isPresent() && graph.hasSoleReader(writer.input(2)));
            if (ww.isPresent() && ww.get().dim(0) == w.get().dim(0) && biasOk) {
                out.add(new Pair(writer, x, dw));
            }
        }
        return out;
    }

    /**
     * Measures the channel ranges of every pair's tensor on the float model and rescales the weights of {@code
     * prepared} in place; returns the pairs changed.
     */
    static List<Pair> apply(Model prepared, QdqPlan plan, StaticQuantOptions options, CalibrationData data)
            throws OrtException {
        List<Pair> pairs = pairs(prepared.graph(), plan, options);
        if (pairs.isEmpty()) {
            return pairs;
        }
        Set<String> tensors = new LinkedHashSet<>();
        pairs.forEach(p -> tensors.add(p.tensor()));
        Map<String, double[]> absMax = new HashMap<>();
        OnnxMl.ModelProto exposed = Calibrator.exposeTensors(prepared.toProto(), tensors);
        SampleRuns.run(exposed, data, Math.min(MAX_SAMPLES, data.sampleCount()),
                options.calibration().intraOpThreads(), List.of(), (name, shape, values) -> {
                    if (tensors.contains(name) && shape.length >= 2) {
                        double[] m = absMax.computeIfAbsent(name, k -> new double[(int) shape[1]]);
                        channelAbsMax(shape, values, m);
                    }
                });
        List<Pair> changed = new ArrayList<>();
        for (Pair p : pairs) {
            double[] m = absMax.get(p.tensor());
            if (m != null && rescale(prepared.graph(), p, m)) {
                changed.add(p);
            }
        }
        return changed;
    }

    private static void channelAbsMax(long[] shape, FloatBuffer values, double[] m) {
        SampleRuns.forEachChannelValue(shape, values, (c, v) -> {
            if (Float.isFinite(v)) {
                m[c] = Math.max(m[c], Math.abs(v));
            }
        });
    }

    private static boolean rescale(Graph graph, Pair p, double[] absMax) {
        double loudest = 0;
        for (double v : absMax) {
            loudest = Math.max(loudest, v);
        }
        if (!(loudest > 0)) {
            return false;
        }
        double[] k = new double[absMax.length];
        boolean any = false;
        for (int c = 0; c < k.length; c++) {
            k[c] = absMax[c] > loudest * DEAD ? loudest / absMax[c] : 1;
            any |= k[c] > 1 + 1e-6;
        }
        if (!any) {
            return false;
        }
        scaleRows(graph, p.writer().input(1), k, false);
        if (p.writer().inputs().size() > 2 && !p.writer().input(2).isEmpty()) {
            scaleRows(graph, p.writer().input(2), k, false);
        }
        scaleRows(graph, p.depthwise().input(1), k, true);
        return true;
    }

    /** Multiplies (or divides) slice c along axis 0 of initializer {@code name} by k[c]. */
    private static void scaleRows(Graph graph, String name, double[] k, boolean divide) {
        Tensor t = graph.initializer(name).orElseThrow();
        float[] v = t.floats();
        int per = v.length / k.length;
        for (int i = 0; i < v.length; i++) {
            double f = k[i / per];
            v[i] = (float) (divide ? v[i] / f : v[i] * f);
        }
        graph.putInitializer(Tensor.ofFloats(name, t.shape(), v));
    }

    private static Node single(Map<String, List<Node>> consumers, String tensor) {
        List<Node> readers = consumers.getOrDefault(tensor, List.of());
        return readers.size() == 1 ? readers.get(0) : null;
    }

}
