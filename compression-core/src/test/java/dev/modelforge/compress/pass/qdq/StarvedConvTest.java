package dev.modelforge.compress.pass.qdq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.NodeReport;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.pass.StaticQdqQuantization;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input-channel-starved Convs (an image stem with one input channel) keep float compute with int8
 * weight storage: ORT's int8 conv is slower than float at so short a reduction. The Conv that reads the
 * stem through a MaxPool is quantized when a Relu guard can keep ORT from moving its QuantizeLinear in
 * front of the MaxPool, and keeps float compute when it cannot.
 */
class StarvedConvTest {

    @TempDir
    Path dir;

    private final StaticQdqQuantization pass = new StaticQdqQuantization();

    /**
     * x[N,1,8,8] → stem Conv(1→8, bias) → Relu → MaxPool → widen Conv(8→16) → Relu
     * → body Conv(16→16, bias) → Relu → GlobalAveragePool → Flatten → Gemm → y[N,4].
     */
    private static OnnxMl.ModelProto stemModel() {
        long[] pad = {1, 1, 1, 1};
        return new ProtoGraph(13).input("x", -1, 1, 8, 8)
                .initializer("ws", ProtoGraph.random(41, 8 * 9, 0.5f), 8, 1, 3, 3)
                .initializer("bs", ProtoGraph.random(42, 8, 0.2f), 8)
                .initializer("ww", ProtoGraph.random(43, 16 * 8 * 9, 0.25f), 16, 8, 3, 3)
                .initializer("wb", ProtoGraph.random(44, 16 * 16 * 9, 0.2f), 16, 16, 3, 3)
                .initializer("bb", ProtoGraph.random(45, 16, 0.1f), 16)
                .initializer("fw", ProtoGraph.random(46, 4 * 16, 0.5f), 4, 16)
                .initializer("fb", ProtoGraph.random(47, 4, 0.1f), 4)
                .node("Conv", "stem", new String[] {"x", "ws", "bs"}, new String[] {"s"}, "pads", pad)
                .node("Relu", "stem_relu", new String[] {"s"}, new String[] {"sr"})
                .node("MaxPool", "pool", new String[] {"sr"}, new String[] {"p"},
                        "kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2})
                .node("Conv", "widen", new String[] {"p", "ww"}, new String[] {"w"}, "pads", pad)
                .node("Relu", "widen_relu", new String[] {"w"}, new String[] {"wr"})
                .node("Conv", "body", new String[] {"wr", "wb", "bb"}, new String[] {"b"}, "pads", pad)
                .node("Relu", "body_relu", new String[] {"b"}, new String[] {"br"})
                .node("GlobalAveragePool", "gap", new String[] {"br"}, new String[] {"g"})
                .node("Flatten", "flatten", new String[] {"g"}, new String[] {"f"})
                .node("Gemm", "fc", new String[] {"f", "fw", "fb"}, new String[] {"y"}, "transB", 1L)
                .output("y").build();
    }

    private PassResult quantize(OnnxMl.ModelProto model, Map<String, ?> params) throws Exception {
        Path data = dir.resolve("calib.npz");
        Npz.write(data, Map.of("x", NdArray.ofFloats(ProtoGraph.random(99, 128 * 64, 2f), 128, 1, 8, 8)));
        PassContext ctx = new PassContext(PassParams.resolve(pass, params), Optional.of(data),
                ProgressListener.NONE, 1, dir);
        return pass.apply(Model.fromProto(model, null), ctx);
    }

    private static NodeReport node(PassResult r, String name) {
        return r.report().nodes().stream().filter(n -> n.node().equals(name)).findFirst().orElseThrow();
    }

    private static OnnxMl.NodeProto nodeNamed(OnnxMl.GraphProto g, String name) {
        return g.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Optional<OnnxMl.NodeProto> producer(OnnxMl.GraphProto g, String tensor) {
        return g.getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst();
    }

    @Test
    void oneChannelStemKeepsFloatComputeAndAReluGuardKeepsTheMaxPoolFloat() throws Exception {
        OnnxMl.ModelProto model = stemModel();
        PassResult result = quantize(model, Map.of());
        OnnxMl.GraphProto g = result.model().toProto().getGraph();

        // stem: float input straight from the graph, weight int8 per channel restored by Cast → Mul(scale)
        // (ORT never constant-folds DequantizeLinear with its QDQ optimizations on; Cast and Mul it folds)
        OnnxMl.NodeProto stem = nodeNamed(g, "stem");
        assertThat(stem.getInput(0)).isEqualTo("x");
        OnnxMl.NodeProto scale = producer(g, stem.getInput(1)).orElseThrow();
        assertThat(scale.getOpType()).isEqualTo("Mul");
        assertThat(g.getInitializerList()).anyMatch(t -> t.getName().equals(scale.getInput(1))
                && t.getDimsList().equals(List.of(8L, 1L, 1L, 1L)));
        OnnxMl.NodeProto cast = producer(g, scale.getInput(0)).orElseThrow();
        assertThat(cast.getOpType()).isEqualTo("Cast");
        assertThat(g.getInitializerList()).anyMatch(t -> t.getName().equals(cast.getInput(0))
                && t.getDataType() == OnnxMl.TensorProto.DataType.INT8_VALUE && t.getDimsList().equals(List.of(8L, 1L, 3L, 3L)));
        assertThat(g.getInitializerList()).anyMatch(t -> t.getName().equals(stem.getInput(2)) && t.getDataType() == 1);
        // stem's Relu and the MaxPool stay float ops on float tensors: no QuantizeLinear in front of either
        assertThat(nodeNamed(g, "stem_relu").getInput(0)).isEqualTo(stem.getOutput(0));
        OnnxMl.NodeProto pool = nodeNamed(g, "pool");
        assertThat(producer(g, pool.getInput(0)).orElseThrow().getName()).isEqualTo("stem_relu");
        assertThat(g.getNodeList()).filteredOn(n -> n.getOpType().equals("QuantizeLinear"))
                .noneMatch(q -> List.of("x", "s", "sr", "p").contains(q.getInput(0)));
        // widen is quantized: its input's QuantizeLinear reads a Relu of the (non-negative) MaxPool output
        OnnxMl.NodeProto widenDq = producer(g, nodeNamed(g, "widen").getInput(0)).orElseThrow();
        assertThat(widenDq.getOpType()).isEqualTo("DequantizeLinear");
        OnnxMl.NodeProto widenQ = producer(g, widenDq.getInput(0)).orElseThrow();
        assertThat(widenQ.getOpType()).isEqualTo("QuantizeLinear");
        OnnxMl.NodeProto guard = producer(g, widenQ.getInput(0)).orElseThrow();
        assertThat(guard.getOpType()).isEqualTo("Relu");
        assertThat(guard.getInput(0)).isEqualTo("p");
        assertThat(g.getInitializerList()).filteredOn(t -> t.getName().equals(widenQ.getInput(2)))
                .singleElement().satisfies(zp -> {
                    assertThat(zp.getDataType()).isEqualTo(OnnxMl.TensorProto.DataType.UINT8_VALUE);
                    assertThat(zp.getRawData().byteAt(0)).isZero(); // = qmin: ORT may drop the Relu
                });

        assertThat(node(result, "stem").action()).isEqualTo(NodeAction.KEPT_FLOAT);
        assertThat(node(result, "stem").reason()).contains("float compute, int8 weights")
                .contains("1 input channel(s) per group < minConvInputChannels 8");
        assertThat(node(result, "stem").scales().count()).isEqualTo(8);
        assertThat(node(result, "stem").bytesAfter()).isLessThan(node(result, "stem").bytesBefore());
        assertThat(node(result, "widen").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(node(result, "widen").reason()).contains("Relu guard").contains("MaxPool pool");
        assertThat(node(result, "body").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(node(result, "pool").action()).isEqualTo(NodeAction.KEPT_FLOAT);
        assertThat(result.report().notes()).anyMatch(n -> n.contains("1 Conv(s) keep float compute"))
                .anyMatch(n -> n.startsWith("1 QuantizeLinear(s) behind a float MaxPool read a Relu guard"));

        // ORT: float (Fused)Conv stem, float MaxPool on its output, the guard gone, QLinearConv for widen and
        // body, no DQ→Q round-trip
        OnnxMl.ModelProto optimized = OrtHarness.optimized(result.model().toProto(), dir);
        Map<String, Integer> ops = OrtHarness.ops(optimized);
        assertThat(ops.getOrDefault("Conv", 0) + ops.getOrDefault("FusedConv", 0)).isEqualTo(1);
        assertThat(ops.get("QLinearConv")).isEqualTo(2);
        assertThat(ops).containsKeys("MaxPool", "QGemm").doesNotContainKeys("Cast", "Mul", "Relu");
        // the float conv reads a constant (folded) weight, not a DequantizeLinear computed per run
        assertThat(optimized.getGraph().getNodeList()).filteredOn(n -> n.getOpType().endsWith("Conv")
                && !n.getOpType().startsWith("QLinear")).allMatch(n -> optimized.getGraph().getInitializerList()
                        .stream().anyMatch(t -> t.getName().equals(n.getInput(1))));
        assertFloatPoolBetweenFloatConvAndQuantizer(optimized);
        assertCloseToFloat(model, result, 5);
    }

    /** ORT kept the MaxPool float: it reads the float Conv and only a QuantizeLinear reads it; no DQ→Q left. */
    private static void assertFloatPoolBetweenFloatConvAndQuantizer(OnnxMl.ModelProto optimized) {
        OnnxMl.NodeProto ortPool = optimized.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("MaxPool")).findFirst().orElseThrow();
        assertThat(producer(optimized.getGraph(), ortPool.getInput(0)).orElseThrow().getOpType())
                .isIn("Conv", "FusedConv");
        assertThat(optimized.getGraph().getNodeList()).filteredOn(n -> n.getInputList().contains(ortPool.getOutput(0)))
                .singleElement().extracting(OnnxMl.NodeProto::getOpType).isEqualTo("QuantizeLinear");
        assertThat(OrtHarness.dqToQPairs(optimized)).isZero();
    }

    /** The quantized model's outputs on 6 random images stay within 5 % of the float model's largest output. */
    private static void assertCloseToFloat(OnnxMl.ModelProto model, PassResult result, long seed) throws Exception {
        float[] input = ProtoGraph.random(seed, 6 * 64, 2f);
        float[] expected = OrtHarness.run(model, "x", input, 6, 1, 8, 8);
        float[] actual = OrtHarness.run(result.model().toProto(), "x", input, 6, 1, 8, 8);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).isLessThan(0.05 * OrtHarness.maxAbs(expected));
    }

    @Test
    void poolOutputReadByABlockAndItsShortcutIsGuardedOnce() throws Exception {
        // ResNet's shape: the stem's MaxPool feeds the first block's Conv and the block's identity shortcut
        long[] pad = {1, 1, 1, 1};
        OnnxMl.ModelProto model = new ProtoGraph(13).input("x", -1, 1, 8, 8)
                .initializer("ws", ProtoGraph.random(61, 8 * 9, 0.5f), 8, 1, 3, 3)
                .initializer("w1", ProtoGraph.random(62, 8 * 8 * 9, 0.25f), 8, 8, 3, 3)
                .initializer("w2", ProtoGraph.random(63, 8 * 8 * 9, 0.25f), 8, 8, 3, 3)
                .initializer("fw", ProtoGraph.random(64, 4 * 8, 0.5f), 4, 8)
                .node("Conv", "stem", new String[] {"x", "ws"}, new String[] {"s"}, "pads", pad)
                .node("Relu", "stem_relu", new String[] {"s"}, new String[] {"sr"})
                .node("MaxPool", "pool", new String[] {"sr"}, new String[] {"p"},
                        "kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2})
                .node("Conv", "c1", new String[] {"p", "w1"}, new String[] {"a"}, "pads", pad)
                .node("Relu", "c1_relu", new String[] {"a"}, new String[] {"ar"})
                .node("Conv", "c2", new String[] {"ar", "w2"}, new String[] {"b"}, "pads", pad)
                .node("Add", "shortcut", new String[] {"b", "p"}, new String[] {"sum"})
                .node("Relu", "out_relu", new String[] {"sum"}, new String[] {"o"})
                .node("GlobalAveragePool", "gap", new String[] {"o"}, new String[] {"g"})
                .node("Flatten", "flatten", new String[] {"g"}, new String[] {"f"})
                .node("Gemm", "fc", new String[] {"f", "fw"}, new String[] {"y"}, "transB", 1L)
                .output("y").build();
        PassResult result = quantize(model, Map.of());
        OnnxMl.GraphProto g = result.model().toProto().getGraph();
        assertThat(node(result, "c1").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(node(result, "shortcut").action()).isEqualTo(NodeAction.QUANTIZED);
        // one pair for p, behind one guard, read by both the Conv and the Add
        assertThat(g.getNodeList()).filteredOn(n -> n.getOpType().equals("Relu") && n.getInput(0).equals("p"))
                .hasSize(1);
        assertThat(g.getNodeList()).filteredOn(n -> n.getOpType().equals("QuantizeLinear")
                && producer(g, n.getInput(0)).map(pn -> pn.getInput(0).equals("p")).orElse(false)).hasSize(1);

        OnnxMl.ModelProto optimized = OrtHarness.optimized(result.model().toProto(), dir);
        Map<String, Integer> ops = OrtHarness.ops(optimized);
        assertThat(ops.get("QLinearConv")).isEqualTo(2);
        assertThat(ops).containsKeys("MaxPool", "QLinearAdd").doesNotContainKeys("Relu");
        assertFloatPoolBetweenFloatConvAndQuantizer(optimized);
        assertCloseToFloat(model, result, 7);
    }

    @Test
    void gemmBehindAPoolAndAReshapeIsGuardedToo() throws Exception {
        // LeNet's shape as torch exports x.view(n, -1): float stem → Relu → MaxPool → Reshape → Gemm
        OnnxMl.ModelProto model = new ProtoGraph(13).input("x", -1, 1, 8, 8)
                .initializer("ws", ProtoGraph.random(71, 8 * 9, 0.5f), 8, 1, 3, 3)
                .initializer("fw", ProtoGraph.random(72, 4 * 128, 0.2f), 4, 128)
                .initializer("fb", ProtoGraph.random(73, 4, 0.1f), 4)
                .int64Initializer("flat", new long[] {0, -1}, 2)
                .node("Conv", "stem", new String[] {"x", "ws"}, new String[] {"s"}, "pads", new long[] {1, 1, 1, 1})
                .node("Relu", "stem_relu", new String[] {"s"}, new String[] {"sr"})
                .node("MaxPool", "pool", new String[] {"sr"}, new String[] {"p"},
                        "kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2})
                .node("Reshape", "view", new String[] {"p", "flat"}, new String[] {"v"})
                .node("Gemm", "fc", new String[] {"v", "fw", "fb"}, new String[] {"y"}, "transB", 1L)
                .output("y").build();
        PassResult result = quantize(model, Map.of());
        OnnxMl.GraphProto g = result.model().toProto().getGraph();
        assertThat(node(result, "fc").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(node(result, "fc").reason()).contains("Relu guard").contains("MaxPool pool");
        assertThat(g.getNodeList()).filteredOn(n -> n.getOpType().equals("Relu") && n.getInput(0).equals("v"))
                .hasSize(1);

        OnnxMl.ModelProto optimized = OrtHarness.optimized(result.model().toProto(), dir);
        assertThat(OrtHarness.ops(optimized)).containsKeys("MaxPool", "QGemm").doesNotContainKeys("Relu", "Gemm");
        OnnxMl.NodeProto ortPool = optimized.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("MaxPool")).findFirst().orElseThrow();
        assertThat(producer(optimized.getGraph(), ortPool.getInput(0)).orElseThrow().getOpType())
                .isIn("Conv", "FusedConv");
        assertThat(OrtHarness.dqToQPairs(optimized)).isZero();
        assertCloseToFloat(model, result, 9);
    }

    /** The stem model with its Relu replaced by {@code nodes} reading "s" and writing "sr". */
    private static OnnxMl.ModelProto withStemActivation(float clamp, String... ops) {
        OnnxMl.GraphProto.Builder g = stemModel().getGraph().toBuilder().removeNode(1);
        java.util.List<OnnxMl.NodeProto> added = new java.util.ArrayList<>();
        String in = "s";
        for (int i = 0; i < ops.length; i++) {
            String out = i == ops.length - 1 ? "sr" : "a" + i;
            OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(ops[i]).setName("act" + i).addInput(in)
                    .addOutput(out);
            if (ops[i].equals("Max")) {
                n.addInput("clamp");
            }
            added.add(n.build());
            in = out;
        }
        for (int i = added.size() - 1; i >= 0; i--) {
            g.addNode(1, added.get(i));
        }
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("clamp").setDataType(1)
                .setRawData(com.google.protobuf.ByteString.copyFrom(java.nio.ByteBuffer.allocate(4)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(clamp).array())));
        return stemModel().toBuilder().setGraph(g).build();
    }

    @Test
    void nonNegativeSourcesBeyondReluAreGuardedToo() throws Exception {
        for (String[] ops : new String[][] {{"Sigmoid"}, {"Softplus"}, {"Abs"}, {"LeakyRelu", "Max"}}) {
            PassResult result = quantize(withStemActivation(0f, ops), Map.of());
            String what = String.join(" → ", ops);
            assertThat(node(result, "widen").action()).as(what).isEqualTo(NodeAction.QUANTIZED);
            assertThat(node(result, "widen").reason()).as(what).contains("Relu guard").contains("MaxPool pool")
                    .contains(ops[ops.length - 1]);
            OnnxMl.GraphProto g = result.model().toProto().getGraph();
            assertThat(g.getNodeList()).as(what).anyMatch(n -> n.getOpType().equals("Relu") && n.getInput(0).equals("p"));
            assertCloseToFloat(withStemActivation(0f, ops), result, 5);
        }
        // Max(LeakyRelu(x), -1) can be negative: no guard, float compute as before, with the reason
        PassResult negative = quantize(withStemActivation(-1f, "LeakyRelu", "Max"), Map.of());
        assertThat(node(negative, "widen").action()).isEqualTo(NodeAction.KEPT_FLOAT);
        assertThat(node(negative, "widen").reason()).contains("not known to be non-negative");
        // the other side of that trade, for auto to measure: quantized across the pool, said so
        PassResult across = quantize(withStemActivation(-1f, "LeakyRelu", "Max"), Map.of("unprovenPool", "quantize"));
        assertThat(node(across, "widen").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(node(across, "widen").reason()).contains("quantized across MaxPool pool").contains("unprovenPool");
        assertCloseToFloat(withStemActivation(-1f, "LeakyRelu", "Max"), across, 5);
    }

    @Test
    void convBehindAPoolOfPossiblyNegativeValuesKeepsFloatCompute() throws Exception {
        // no Relu between the stem and the MaxPool: a Relu guard would change the values, so none is added
        OnnxMl.ModelProto model = stemModel().toBuilder().setGraph(stemModel().getGraph().toBuilder()
                .removeNode(1).setNode(1, nodeNamed(stemModel().getGraph(), "pool").toBuilder().setInput(0, "s")))
                .build();
        PassResult result = quantize(model, Map.of());
        assertThat(node(result, "widen").action()).isEqualTo(NodeAction.KEPT_FLOAT);
        assertThat(node(result, "widen").reason()).contains("through MaxPool pool")
                .contains("not known to be non-negative");
        OnnxMl.GraphProto g = result.model().toProto().getGraph();
        assertThat(nodeNamed(g, "widen").getInput(0)).isEqualTo("p");
        assertThat(g.getNodeList()).noneMatch(n -> n.getOpType().equals("Relu") && n.getInput(0).equals("p"));
        assertThat(result.report().notes()).noneMatch(n -> n.contains("Relu guard"));
        assertThat(OrtHarness.ops(OrtHarness.optimized(result.model().toProto(), dir)).get("QLinearConv")).isEqualTo(1);
    }

    @Test
    void int8ActivationsKeepTheConvBehindThePoolFloat() throws Exception {
        // symmetric int8 has zero point 0 > qmin: ORT would keep the guard as a real Relu, so no guard
        PassResult result = quantize(stemModel(), Map.of("activationType", "int8"));
        assertThat(node(result, "widen").action()).isEqualTo(NodeAction.KEPT_FLOAT);
        assertThat(node(result, "widen").reason()).contains("int8 activations");
        assertThat(node(result, "body").action()).isEqualTo(NodeAction.QUANTIZED);
    }

    @Test
    void thresholdOneQuantizesEveryConv() throws Exception {
        PassResult result = quantize(stemModel(), Map.of("minConvInputChannels", 1));
        assertThat(node(result, "stem").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(node(result, "widen").action()).isEqualTo(NodeAction.QUANTIZED);
        Map<String, Integer> ops = OrtHarness.ops(OrtHarness.optimized(result.model().toProto(), dir));
        assertThat(ops.get("QLinearConv")).isEqualTo(3);
        assertThat(ops).doesNotContainKeys("Conv", "FusedConv");
    }

    @Test
    void depthwiseConvStaysQuantized() throws Exception {
        // one input channel per group, but a depthwise conv: ORT has a dedicated int8 kernel for it
        OnnxMl.ModelProto model = new ProtoGraph(13).input("x", -1, 8, 6, 6)
                .initializer("wd", ProtoGraph.random(51, 8 * 9, 0.5f), 8, 1, 3, 3)
                .initializer("wp", ProtoGraph.random(52, 8 * 8, 0.4f), 8, 8, 1, 1)
                .node("Conv", "dw", new String[] {"x", "wd"}, new String[] {"d"}, "group", 8L,
                        "pads", new long[] {1, 1, 1, 1})
                .node("Relu", "r", new String[] {"d"}, new String[] {"dr"})
                .node("Conv", "pw", new String[] {"dr", "wp"}, new String[] {"y"})
                .output("y").build();
        Path data = dir.resolve("dw.npz");
        Npz.write(data, Map.of("x", NdArray.ofFloats(ProtoGraph.random(98, 32 * 8 * 36, 2f), 32, 8, 6, 6)));
        PassResult result = pass.apply(Model.fromProto(model, null), new PassContext(PassParams.defaults(pass),
                Optional.of(data), ProgressListener.NONE, 1, dir));
        assertThat(node(result, "dw").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(OrtHarness.ops(OrtHarness.optimized(result.model().toProto(), dir)).get("QLinearConv"))
                .isEqualTo(2);
    }

    @Test
    void sameInputGivesByteIdenticalOutput() throws Exception {
        byte[] first = quantize(stemModel(), Map.of()).model().toProto().toByteArray();
        byte[] second = quantize(stemModel(), Map.of()).model().toProto().toByteArray();
        assertThat(second).isEqualTo(first);
    }
}
