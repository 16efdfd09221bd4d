package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.calibrate.ActivationType;
import dev.modelforge.compress.calibrate.CalibrationMethod;
import dev.modelforge.compress.calibrate.QuantParams;
import dev.modelforge.compress.calibrate.TensorRange;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies a {@link QdqPlan} to the graph with calibrated parameters: removes folded activations,
 * replaces weights by int8 initializers behind DequantizeLinear, biases by int32 ones, and puts a
 * QuantizeLinear→DequantizeLinear pair after every planned activation tensor.
 */
final class QdqRewriter {

    /** What happened to one weighted node, for the report. */
    record WeightInfo(float[] weightScales, long bytesBefore, long bytesAfter, int clampedBias) {
    }

    private final Graph graph;
    private final QdqPlan plan;
    private final StaticQuantOptions options;
    private final Function<String, QuantParams> paramsOfRoot;
    private final Map<String, String[]> qparamNames = new HashMap<>();
    private final Map<Node, WeightInfo> weightInfo = new HashMap<>();
    /** Folded activations kept for readers of the float tensor; they must read it, not the DQ. */
    private final Set<Node> reapplied = new LinkedHashSet<>();

    /**
     * @param paramsOfRoot calibrated parameters of a root tensor (see {@link QdqPlan#calibrated()})
     */
    QdqRewriter(Graph graph, QdqPlan plan, StaticQuantOptions options, Function<String, QuantParams> paramsOfRoot) {
        this.graph = graph;
        this.plan = plan;
        this.options = options;
        this.paramsOfRoot = paramsOfRoot;
    }

    /** Rewrites the graph; returns weight details per weighted node. */
    Map<Node, WeightInfo> rewrite() {
        demoteConvsWithFloatEdges();
        Map<String, List<Node>> floatReaders = graph.consumerMap();
        plan.folded().forEach((act, into) -> {
            String post = act.output(0);
            into.setOutput(0, post);
            List<Node> keepFloat = floatReaders.getOrDefault(post, List.of()).stream()
                    .filter(this::keepsFloatInput).toList();
            if (keepFloat.isEmpty()) {
                graph.removeNode(act);
                return;
            }
            // The quantizer's clamp stands in for the activation only behind the Q/DQ pair; a reader
            // that keeps the float tensor (an excluded Conv/Gemm) would otherwise get the
            // pre-activation values. It keeps the activation, applied to the producer's float output.
            String floatPost = graph.uniqueName(post + "_float");
            act.setInput(0, post);
            act.setOutput(0, floatPost);
            keepFloat.forEach(r -> r.replaceInput(post, floatPost));
            reapplied.add(act);
        });
        for (QdqPlan.Decision d : plan.decisions()) {
            if (d.kind() == QdqPlan.Kind.QUANTIZE_WEIGHTED) {
                quantizeWeights(d.node(), true);
            } else if (d.kind() == QdqPlan.Kind.WEIGHT_ONLY) {
                quantizeWeights(d.node(), false); // float input, so no input scale for an int32 bias
            } else if (d.kind() == QdqPlan.Kind.QUANTIZE) {
                quantizeConstantInputs(d.node());
            }
        }
        Map<String, List<Node>> consumers = graph.consumerMap();
        Map<String, Node> producers = graph.producerMap();
        for (Map.Entry<String, String> e : plan.activations().entrySet()) {
            insertPair(e.getKey(), e.getValue(), consumers.getOrDefault(e.getKey(), List.of()), producers);
        }
        graph.removeUnusedInitializers();
        graph.sortTopologically();
        return weightInfo;
    }

    /**
     * A Conv the fallback by tensor left with a float input or output cannot become QLinearConv; planned as
     * quantized it would read DequantizeLinear weights, which ORT computes on every run (no constant folding of
     * DequantizeLinear under its QDQ optimizations, no pre-packed kernel). It keeps float compute with int8 weights
     * instead, restored by Cast → Mul, which ORT folds at load: as fast as the float model's Conv.
     */
    private void demoteConvsWithFloatEdges() {
        if (plan.floatTensors().isEmpty()) {
            return;
        }
        Map<Node, String> foldedOutput = new HashMap<>();
        plan.folded().forEach((act, into) -> foldedOutput.put(into, act.output(0)));
        for (QdqPlan.Decision d : plan.decisions()) {
            Node n = d.node();
            if (d.kind() != QdqPlan.Kind.QUANTIZE_WEIGHTED || !n.is("Conv")) {
                continue;
            }
            String out = foldedOutput.getOrDefault(n, n.output(0));
            boolean floatIn = plan.floatTensors().contains(n.input(0));
            boolean floatOut = plan.floatTensors().contains(out);
            if (floatIn || floatOut) {
                plan.decide(n, QdqPlan.Kind.WEIGHT_ONLY, "float compute, int8 weights: the fallback by tensor keeps its "
                        + (floatIn && floatOut ? "input and output" : floatIn ? "input" : "output") + " float");
            }
        }
    }

    /** Folded activations that stayed in the graph for readers of the float tensor (after {@link #rewrite}). */
    Set<Node> reapplied() {
        return reapplied;
    }

    private QuantParams params(String tensor) {
        return paramsOfRoot.apply(plan.root(tensor));
    }

    private void quantizeWeights(Node n, boolean integerBias) {
        String w = n.input(1);
        Tensor weight = graph.initializer(w).orElse(null);
        if (weight == null) {
            return; // activation × activation MatMul/Gemm: both sides get activation pairs
        }
        int axis;
        if (n.is("Conv")) {
            axis = 0;
        } else if (n.is("Gemm")) {
            axis = n.attrInt("transB", 0) == 1 ? 0 : 1;
        } else {
            axis = weight.rank() == 2 ? 1 : -1;
        }
        boolean perChannel = options.perChannel() && axis >= 0;
        WeightQuantizer.Quantized q = WeightQuantizer.quantize(weight.floats(), weight.shape(), axis, perChannel,
                options.weightQmax());
        long[] scaleShape = perChannel ? new long[] {q.scales().length} : new long[0];
        String base = replacementName(w, "_q");
        graph.putInitializer(Tensor.ofInt8(base, weight.shape(), q.values()));
        if (!integerBias) {
            storeDequantizedByCastAndMul(n, w, base, weight.rank(), perChannel, q.scales());
            long before = weight.byteSize();
            long after = q.values().length + q.scales().length * 4L;
            if (n.inputs().size() > 2 && !n.input(2).isEmpty()) {
                long floatBias = graph.initializer(n.input(2)).map(Tensor::byteSize).orElse(0L);
                before += floatBias;
                after += floatBias;
            }
            weightInfo.put(n, new WeightInfo(q.scales(), before, after, 0));
            return;
        }
        String scale = graph.uniqueName(w + "_scale");
        graph.putInitializer(Tensor.ofFloats(scale, scaleShape, q.scales()));
        List<String> dqInputs = new java.util.ArrayList<>(List.of(base, scale));
        if (!n.is("Conv")) {
            // 0 is the default, but QGemm insists on a zero point shaped like the scale; Conv does not.
            String zp = graph.uniqueName(w + "_zp");
            graph.putInitializer(Tensor.ofInt8(zp, scaleShape, new byte[q.scales().length]));
            dqInputs.add(zp);
        }
        String dq = graph.uniqueName(w + "_dq");
        Node dqNode = Node.of(graph.uniqueName(w + "_DQ"), "DequantizeLinear", dqInputs, List.of(dq));
        if (perChannel) {
            dqNode.setAttr("axis", (long) q.axis());
        }
        graph.insertBefore(n, dqNode);
        n.setInput(1, dq);
        long before = weight.byteSize();
        long after = q.values().length + q.scales().length * (n.is("Conv") ? 4L : 5L);
        int clamped = 0;
        if (n.inputs().size() > 2 && !n.input(2).isEmpty()) {
            int[] clampedOut = new int[1];
            after += quantizeBias(n, q.scales(), perChannel, clampedOut);
            before += graph.initializer(n.input(2)).map(Tensor::byteSize).orElse(0L);
            clamped = clampedOut[0];
        }
        weightInfo.put(n, new WeightInfo(q.scales(), before, after, clamped));
    }

    /**
     * Float-compute weights: int8 per channel, turned back into float by {@code Cast → Mul(scale)}
     * rather than DequantizeLinear. ORT's constant folding skips DequantizeLinear whenever its QDQ
     * optimizations are on, so a DQ would run on every inference and leave the Conv with a non-constant
     * weight (no pre-packed NCHWc kernel: measured slower); Cast and Mul of constants are folded at load.
     * The product is the same float32 multiplication DequantizeLinear does (zero point 0).
     */
    private void storeDequantizedByCastAndMul(Node n, String w, String base, int rank, boolean perChannel,
                                              float[] scales) {
        long[] shape = new long[perChannel ? rank : 0];
        if (perChannel) {
            java.util.Arrays.fill(shape, 1L);
            shape[0] = scales.length; // Conv weights [M, C/group, kh, kw]: channel axis 0, broadcast over the rest
        }
        String scale = graph.uniqueName(w + "_scale");
        graph.putInitializer(Tensor.ofFloats(scale, shape, scales));
        String cast = graph.uniqueName(w + "_int8_as_float");
        Node castNode = Node.of(graph.uniqueName(w + "_Cast"), "Cast", List.of(base), List.of(cast));
        castNode.setAttr("to", 1L);
        String dequantized = graph.uniqueName(w + "_dequantized");
        graph.insertBefore(n, castNode);
        graph.insertBefore(n, Node.of(graph.uniqueName(w + "_Scale"), "Mul", List.of(cast, scale),
                List.of(dequantized)));
        n.setInput(1, dequantized);
    }

    /** Returns the bias bytes written (0 when the bias stays float). */
    private long quantizeBias(Node n, float[] weightScales, boolean perChannel, int[] clampedOut) {
        String b = n.input(2);
        Tensor bias = graph.initializer(b).orElse(null);
        boolean gemmScaled = n.is("Gemm") && (n.attrFloat("alpha", 1f) != 1f || n.attrFloat("beta", 1f) != 1f);
        if (bias == null || bias.rank() != 1 || gemmScaled
                || (perChannel && bias.dim(0) != weightScales.length)) {
            return 0; // a broadcast or scaled bias stays float: int32 bias must match the accumulator exactly
        }
        float inputScale = params(n.input(0)).scale();
        float[] scales = WeightQuantizer.biasScales(inputScale, weightScales);
        int[] q = WeightQuantizer.quantizeBias(bias.floats(), scales, clampedOut);
        long[] scaleShape = perChannel ? new long[] {scales.length} : new long[0];
        String base = replacementName(b, "_q");
        graph.putInitializer(Tensor.ofInt32(base, bias.shape(), q));
        String scale = graph.uniqueName(b + "_scale");
        graph.putInitializer(Tensor.ofFloats(scale, scaleShape, scales));
        // int32 zero point 0 is DequantizeLinear's default; ORT fills it in when fusing.
        String dq = graph.uniqueName(b + "_dq");
        Node dqNode = Node.of(graph.uniqueName(b + "_DQ"), "DequantizeLinear",
                List.of(base, scale), List.of(dq));
        if (perChannel) {
            dqNode.setAttr("axis", 0L);
        }
        graph.insertBefore(n, dqNode);
        n.setInput(2, dq);
        return q.length * 4L + scales.length * 4L;
    }

    /**
     * The name for the integer version of constant {@code original}: the original name itself when
     * nothing else reads the float tensor (it is replaced, which keeps the file small and the names
     * recognisable), a fresh derived name otherwise.
     */
    private String replacementName(String original, String suffix) {
        if (graph.consumers(original).size() == 1 && !graph.isGraphOutput(original)) {
            graph.removeInitializer(original);
            return original;
        }
        return graph.uniqueName(original + suffix);
    }

    /** Constant inputs of Add/Mul/Concat: quantized per tensor from their own values. */
    private void quantizeConstantInputs(Node n) {
        for (int i = 0; i < n.inputs().size(); i++) {
            String in = n.input(i);
            Tensor t = graph.initializer(in).orElse(null);
            if (t == null) {
                continue;
            }
            float[] v = t.floats();
            double lo = 0;
            double hi = 0;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            QuantParams p = QuantParams.of(new TensorRange(lo, hi, lo, hi, CalibrationMethod.MIN_MAX, v.length),
                    options.activationType());
            byte[] q = new byte[v.length];
            for (int k = 0; k < v.length; k++) {
                q[k] = (byte) quantize(v[k], p);
            }
            String base = graph.uniqueName(in + "_q");
            graph.putInitializer(options.activationType() == ActivationType.UINT8
                    ? Tensor.ofUint8(base, t.shape(), q) : Tensor.ofInt8(base, t.shape(), q));
            String[] names = scaleAndZeroPoint(base, p);
            String dq = graph.uniqueName(in + "_dq");
            graph.insertBefore(n, Node.of(graph.uniqueName(in + "_DQ"), "DequantizeLinear",
                    List.of(base, names[0], names[1]), List.of(dq)));
            n.setInput(i, dq);
        }
    }

    private static int quantize(float x, QuantParams p) {
        long q = Math.round(x / p.scale()) + p.zeroPoint();
        return (int) Math.max(p.type().qmin(), Math.min(p.type().qmax(), q));
    }

    private void insertPair(String tensor, String root, List<Node> readers, Map<String, Node> producers) {
        String[] names = qparamNames.computeIfAbsent(root, r -> scaleAndZeroPoint(r, params(r)));
        Node producer = producers.get(tensor);
        String quantized = graph.uniqueName(tensor + "_q");
        String source = tensor;
        String dequantized;
        if (graph.isGraphOutput(tensor) && producer != null) {
            // The graph output keeps its name (callers bind to it): the producer writes a new value.
            source = graph.uniqueName(tensor + "_float");
            producer.setOutput(producer.outputs().indexOf(tensor), source);
            dequantized = tensor;
        } else {
            List<Node> redirected = readers.stream().filter(r -> !keepsFloatInput(r)).toList();
            if (redirected.isEmpty()) {
                return; // only float readers: a pair here would be a pure round-trip
            }
            dequantized = graph.uniqueName(tensor + "_dq");
            for (Node reader : redirected) {
                reader.replaceInput(tensor, dequantized);
            }
        }
        if (plan.guarded().contains(tensor)) {
            String guard = graph.uniqueName(tensor + "_guard");
            graph.addNode(Node.of(graph.uniqueName(tensor + "_Guard"), "Relu", List.of(source), List.of(guard)));
            source = guard;
        }
        Node q = Node.of(graph.uniqueName(tensor + "_Q"), "QuantizeLinear",
                List.of(source, names[0], names[1]), List.of(quantized));
        Node dq = Node.of(graph.uniqueName(tensor + "_DQ"), "DequantizeLinear",
                List.of(quantized, names[0], names[1]), List.of(dequantized));
        graph.addNode(q);
        graph.addNode(dq);
    }

    /**
     * A float Conv/ConvTranspose/Gemm must not read a DequantizeLinear output: ORT's
     * WeightBiasQuantization would quantize its float weights itself when its output path leads to a
     * QuantizeLinear, silently undoing an exclusion. Reading the float tensor keeps it float.
     */
    private boolean keepsFloatInput(Node reader) {
        if (reapplied.contains(reader)) {
            return true;
        }
        QdqPlan.Decision d = plan.decision(reader);
        // A WEIGHT_ONLY Conv reading a DQ output would be fused into QLinearConv after all.
        boolean floatNode = d == null || d.kind() == QdqPlan.Kind.EXCLUDED || d.kind() == QdqPlan.Kind.KEEP_FLOAT
                || d.kind() == QdqPlan.Kind.WEIGHT_ONLY;
        return floatNode && reader.domain().isEmpty()
                && (reader.opType().equals("Conv") || reader.opType().equals("ConvTranspose")
                        || reader.opType().equals("Gemm"));
    }

    private String[] scaleAndZeroPoint(String base, QuantParams p) {
        String scale = graph.uniqueName(base + "_scale");
        graph.putInitializer(Tensor.scalar(scale, p.scale()));
        String zp = graph.uniqueName(base + "_zp");
        byte[] z = {(byte) p.zeroPoint()};
        graph.putInitializer(p.type() == ActivationType.UINT8
                ? Tensor.ofUint8(zp, new long[0], z) : Tensor.ofInt8(zp, new long[0], z));
        return new String[] {scale, zp};
    }
}
