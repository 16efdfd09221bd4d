package dev.modelforge.compress.pass.qdq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.Audience;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.NodeReport;
import dev.modelforge.compress.pass.NothingToDoException;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.pass.StaticQdqQuantization;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticQdqQuantizationTest {

    @TempDir
    Path dir;

    private final StaticQdqQuantization pass = new StaticQdqQuantization();

    private Path calibration(String input, int samples, long... sampleShape) {
        int per = (int) Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = samples;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        Path file = dir.resolve(input + "-" + samples + "-calib.npz");
        Npz.write(file, Map.of(input, NdArray.ofFloats(ProtoGraph.random(99, samples * per, 2f), shape)));
        return file;
    }

    /**
     * The tiny graphs here have 2–4 input channels, which the default {@code minConvInputChannels}
     * (8) would keep in float compute; these tests are about the fused integer path, so they quantize
     * every Conv unless told otherwise ({@link StarvedConvTest} covers the threshold).
     */
    private PassResult quantize(OnnxMl.ModelProto model, Path data, Map<String, ?> params,
                                ProgressListener progress) throws Exception {
        Map<String, Object> all = new java.util.HashMap<>(params);
        all.putIfAbsent("minConvInputChannels", 1);
        PassContext ctx = new PassContext(PassParams.resolve(pass, all), Optional.ofNullable(data), progress, 1, dir);
        return pass.apply(Model.fromProto(model, null), ctx);
    }

    private PassResult quantize(OnnxMl.ModelProto model, Path data, Map<String, ?> params) throws Exception {
        return quantize(model, data, params, ProgressListener.NONE);
    }

    private static NodeReport node(PassResult r, String name) {
        return r.report().nodes().stream().filter(n -> n.node().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void cnnBecomesFusedIntegerKernelsAndStaysCloseToFloat() throws Exception {
        OnnxMl.ModelProto model = TinyModels.cnn(13);
        List<Long> progress = new ArrayList<>();
        PassResult result = quantize(model, calibration("x", 40, 3, 8, 8), Map.of("calibrationBatchSize", 16),
                (phase, done, total) -> progress.add(done));
        OnnxMl.ModelProto q = result.model().toProto();

        Map<String, Integer> written = OrtHarness.ops(q);
        assertThat(written).doesNotContainKeys("BatchNormalization", "Relu");
        // one DQ per activation pair plus one per weight and bias of conv1, conv2 and fc
        assertThat(written.get("DequantizeLinear")).isEqualTo(written.get("QuantizeLinear") + 6);
        Map<String, Integer> fused = OrtHarness.ops(OrtHarness.optimized(q, dir));
        assertThat(fused).containsKeys("QLinearConv", "QLinearAdd", "QLinearGlobalAveragePool", "QGemm");
        assertThat(fused.get("QLinearConv")).isEqualTo(2);
        assertThat(fused).doesNotContainKeys("Conv", "Gemm", "Add");
        assertThat(OrtHarness.dqToQPairs(OrtHarness.optimized(q, dir))).isZero();
        assertThat(progress).containsExactly(16L, 32L, 40L);

        float[] input = ProtoGraph.random(5, 4 * 3 * 64, 2f);
        float[] expected = OrtHarness.run(model, "x", input, 4, 3, 8, 8);
        float[] actual = OrtHarness.run(q, "x", input, 4, 3, 8, 8);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).isLessThan(0.05 * OrtHarness.maxAbs(expected));

        assertThat(node(result, "conv1").action()).isEqualTo(NodeAction.QUANTIZED);
        assertThat(node(result, "conv1").scales().count()).isEqualTo(8);
        assertThat(node(result, "conv1").reason()).contains("out r1∈[0");
        assertThat(node(result, "bn1").action()).isEqualTo(NodeAction.CONVERTED);
        assertThat(node(result, "relu1").action()).isEqualTo(NodeAction.CONVERTED);
        assertThat(node(result, "pool").reason()).contains("shares r1");
        assertThat(node(result, "fc").bytesAfter()).isLessThan(node(result, "fc").bytesBefore());
        assertThat(result.report().notes()).anyMatch(n -> n.contains("minmax over 40 samples in 3 batch(es)"));
    }

    @Test
    void matMulAndGemmFuseWithPerChannelWeights() throws Exception {
        OnnxMl.ModelProto model = TinyModels.mlp();
        PassResult result = quantize(model, calibration("x", 32, 16), Map.of());
        OnnxMl.ModelProto q = result.model().toProto();
        Map<String, Integer> fused = OrtHarness.ops(OrtHarness.optimized(q, dir));
        assertThat(fused).containsKey("QLinearMatMul");
        assertThat(fused).containsKey("QGemm");
        assertThat(fused).doesNotContainKeys("MatMul", "Gemm");
        assertThat(node(result, "mm1").scales().count()).isEqualTo(32);
        assertThat(node(result, "gemm").scales().count()).isEqualTo(12);

        float[] input = ProtoGraph.random(6, 8 * 16, 2f);
        float[] expected = OrtHarness.run(model, "x", input, 8, 16);
        float[] actual = OrtHarness.run(q, "x", input, 8, 16);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).isLessThan(0.05 * OrtHarness.maxAbs(expected));
    }

    @Test
    void concatGetsQdqOnEveryInputAndTheOutput() throws Exception {
        OnnxMl.ModelProto model = TinyModels.concat();
        PassResult result = quantize(model, calibration("x", 24, 4, 6, 6), Map.of("calibration", "entropy"));
        OnnxMl.ModelProto q = result.model().toProto();
        Map<String, Integer> fused = OrtHarness.ops(OrtHarness.optimized(q, dir));
        assertThat(fused).containsKey("QLinearConcat");
        assertThat(fused.get("QLinearConv")).isEqualTo(3);
        float[] input = ProtoGraph.random(7, 2 * 4 * 36, 2f);
        float[] expected = OrtHarness.run(model, "x", input, 2, 4, 6, 6);
        float[] actual = OrtHarness.run(q, "x", input, 2, 4, 6, 6);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).isLessThan(0.06 * OrtHarness.maxAbs(expected));
    }

    @Test
    void clipIsFoldedOnlyWhenItLetsZeroThrough() throws Exception {
        OnnxMl.ModelProto model = new ProtoGraph(13).input("x", -1, 2, 5, 5)
                .initializer("wa", ProtoGraph.random(31, 4 * 2 * 9, 0.5f), 4, 2, 3, 3)
                .initializer("wb", ProtoGraph.random(32, 4 * 4 * 9, 0.5f), 4, 4, 3, 3)
                .initializer("zero", new float[] {0f}).initializer("one", new float[] {1f})
                .initializer("six", new float[] {6f})
                .node("Conv", "ca", new String[] {"x", "wa"}, new String[] {"a"}, "pads", new long[] {1, 1, 1, 1})
                .node("Clip", "relu6", new String[] {"a", "zero", "six"}, new String[] {"a6"})
                .node("Conv", "cb", new String[] {"a6", "wb"}, new String[] {"b"}, "pads", new long[] {1, 1, 1, 1})
                .node("Clip", "clip16", new String[] {"b", "one", "six"}, new String[] {"b6"})
                .node("Conv", "cc", new String[] {"b6", "wb"}, new String[] {"y"})
                .output("y").build();
        // enough samples that the test input stays inside the calibrated ranges
        PassResult result = quantize(model, calibration("x", 128, 2, 5, 5), Map.of());
        assertThat(node(result, "relu6").action()).isEqualTo(NodeAction.CONVERTED);
        assertThat(node(result, "clip16").action()).isEqualTo(NodeAction.KEPT_FLOAT);
        OnnxMl.ModelProto q = result.model().toProto();
        assertThat(OrtHarness.ops(q).get("Clip")).isEqualTo(1);
        float[] input = ProtoGraph.random(8, 3 * 2 * 25, 2f);
        float[] expected = OrtHarness.run(model, "x", input, 3, 2, 5, 5);
        float[] actual = OrtHarness.run(q, "x", input, 3, 2, 5, 5);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).isLessThan(0.02 * OrtHarness.maxAbs(expected));
    }

    @Test
    void exclusionsKeepNodesFloatAndAreReported() throws Exception {
        PassResult result = quantize(TinyModels.cnn(13), calibration("x", 16, 3, 8, 8),
                Map.of("excludeOpTypes", List.of("Gemm"), "excludeNodes", List.of("conv2")));
        assertThat(node(result, "fc").action()).isEqualTo(NodeAction.SKIPPED);
        assertThat(node(result, "fc").reason()).contains("excludeOpTypes");
        assertThat(node(result, "conv2").action()).isEqualTo(NodeAction.SKIPPED);
        assertThat(node(result, "conv2").reason()).contains("excludeNodes");
        assertThat(node(result, "conv1").action()).isEqualTo(NodeAction.QUANTIZED);
        OnnxMl.ModelProto q = result.model().toProto();
        // the excluded nodes still read their float weights
        assertThat(q.getGraph().getInitializerList()).anyMatch(t -> t.getName().equals("fw") && t.getDataType() == 1);
        assertThat(q.getGraph().getInitializerList()).anyMatch(t -> t.getName().equals("w2") && t.getDataType() == 1);
        // ORT would re-quantize a float Conv that reads a DequantizeLinear output; it must stay Conv
        Map<String, Integer> fused = OrtHarness.ops(OrtHarness.optimized(q, dir));
        assertThat(fused).containsKeys("Gemm", "Conv", "QLinearConv");
        assertThat(fused.get("Conv")).isEqualTo(1);
    }

    @Test
    void fallbackByTensorDropsPairsWithinItsBudgetAndNeverLowersTheCosine() throws Exception {
        Path data = calibration("x", 16, 3, 8, 8);
        PassResult plain = quantize(TinyModels.cnn(13), data, Map.of());
        assertThat(plain.report().notes()).noneMatch(n -> n.startsWith("fallback by tensor"));
        // an unreachable target: the search runs until its budget (half the quantized tensors) is spent
        PassResult fallback = quantize(TinyModels.cnn(13), data, Map.of("fallbackCosine", 1.0, "fallbackBudget", 0.5));
        String note = fallback.report().notes().stream().filter(n -> n.startsWith("fallback by tensor")).findFirst()
                .orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(\\d+) of (\\d+) quantized tensors .* cosine there ([0-9.]+) -> ([0-9.]+)").matcher(note);
        assertThat(m.find()).as(note).isTrue();
        int kept = Integer.parseInt(m.group(1));
        assertThat(kept).as(note).isLessThanOrEqualTo(Integer.parseInt(m.group(2)) / 2);
        assertThat(Double.parseDouble(m.group(4))).as(note).isGreaterThanOrEqualTo(Double.parseDouble(m.group(3)));
        int before = OrtHarness.ops(plain.model().toProto()).get("QuantizeLinear");
        int after = OrtHarness.ops(fallback.model().toProto()).get("QuantizeLinear");
        assertThat(before - after).as(note).isEqualTo(kept);
        float[] input = ProtoGraph.random(5, 4 * 3 * 64, 2f);
        float[] expected = OrtHarness.run(TinyModels.cnn(13), "x", input, 4, 3, 8, 8);
        float[] actual = OrtHarness.run(fallback.model().toProto(), "x", input, 4, 3, 8, 8);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).isLessThan(0.05 * OrtHarness.maxAbs(expected));
    }

    @Test
    void sameInputGivesByteIdenticalOutput() throws Exception {
        Path data = calibration("x", 24, 3, 8, 8);
        Map<String, Object> params = Map.of("calibration", "percentile", "percentile", 99.9);
        byte[] first = quantize(TinyModels.cnn(13), data, params).model().toProto().toByteArray();
        byte[] second = quantize(TinyModels.cnn(13), data, params).model().toProto().toByteArray();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void int8ActivationsAndReducedRangeStillRunAndFuse() throws Exception {
        OnnxMl.ModelProto model = TinyModels.cnn(13);
        PassResult result = quantize(model, calibration("x", 16, 3, 8, 8),
                Map.of("activationType", "int8", "reduceRange", true));
        OnnxMl.ModelProto q = result.model().toProto();
        assertThat(OrtHarness.ops(q)).containsKey("Relu"); // symmetric int8 cannot fold ReLU into the quantizer
        assertThat(q.getGraph().getInitializerList().stream().filter(t -> t.getDataType() == 3
                && t.getDimsCount() >= 2).flatMapToInt(t -> {
                    byte[] b = t.getRawData().toByteArray();
                    return java.util.stream.IntStream.range(0, b.length).map(i -> Math.abs(b[i]));
                }).max().orElseThrow()).isLessThanOrEqualTo(63);
        assertThat(OrtHarness.ops(OrtHarness.optimized(q, dir))).containsKey("QLinearConv");
        float[] input = ProtoGraph.random(5, 2 * 3 * 64, 2f);
        float[] expected = OrtHarness.run(model, "x", input, 2, 3, 8, 8);
        float[] actual = OrtHarness.run(q, "x", input, 2, 3, 8, 8);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).isLessThan(0.1 * OrtHarness.maxAbs(expected));
    }

    @Test
    void isDiscoveredUnderItsRecipeName() {
        assertThat(dev.modelforge.compress.pass.PassRegistry.discover().create("int8-static"))
                .get().isInstanceOf(StaticQdqQuantization.class);
    }

    @Test
    void missingCalibrationSetNamesTheOption() {
        assertThatThrownBy(() -> quantize(TinyModels.cnn(13), null, Map.of()))
                .isInstanceOf(PassException.class).hasMessageContaining("--calibration");
    }

    @Test
    void refusalsInsideTheRegistryNameTheUploadPartNotTheFlag() throws Exception {
        PassContext registry = new PassContext(PassParams.resolve(pass, Map.of()), Optional.empty(),
                ProgressListener.NONE, 1, dir, Audience.REGISTRY);
        assertThatThrownBy(() -> pass.apply(Model.fromProto(TinyModels.cnn(13), null), registry))
                .isInstanceOf(PassException.class)
                .hasMessageContaining("upload a calibration set with the version (`calibration` part)")
                .hasMessageNotContaining("--");
        Path wrong = calibration("image", 8, 3, 8, 8);
        assertThatThrownBy(() -> pass.apply(Model.fromProto(TinyModels.cnn(13), null),
                new PassContext(registry.params(), Optional.of(wrong), ProgressListener.NONE, 1, dir, Audience.REGISTRY)))
                .isInstanceOf(PassException.class).hasMessageContaining("the version's calibration set")
                .hasMessageNotContaining(wrong.toString()).hasMessageNotContaining("--");
    }

    @Test
    void calibrationSetWithWrongInputNameIsRefused() {
        Path wrong = calibration("image", 8, 3, 8, 8);
        assertThatThrownBy(() -> quantize(TinyModels.cnn(13), wrong, Map.of()))
                .isInstanceOf(PassException.class).hasMessageContaining("does not fit the model")
                .hasMessageContaining("x");
    }

    @Test
    void oldOpsetIsUpgradedWhenSafeAndRefusedOtherwise() throws Exception {
        PassResult upgraded = quantize(TinyModels.cnn(11), calibration("x", 8, 3, 8, 8), Map.of());
        assertThat(upgraded.model().defaultOpset()).isEqualTo(13);
        assertThat(upgraded.report().notes()).anyMatch(n -> n.contains("raised from 11 to 13"));

        OnnxMl.ModelProto softmax = new ProtoGraph(11).input("x", -1, 16)
                .initializer("w", ProtoGraph.random(1, 16 * 4, 1f), 16, 4)
                .node("MatMul", "mm", new String[] {"x", "w"}, new String[] {"h"})
                .node("Softmax", "sm", new String[] {"h"}, new String[] {"y"}).output("y").build();
        PassResult converted = quantize(softmax, calibration("x", 8, 16), Map.of());
        assertThat(converted.model().defaultOpset()).isEqualTo(13);
        assertThat(converted.report().notes()).anyMatch(n -> n.contains("raised from 11 to 13") && n.contains("Softmax"));

        OnnxMl.ModelProto mvn = new ProtoGraph(11).input("x", -1, 16)
                .initializer("w", ProtoGraph.random(1, 16 * 4, 1f), 16, 4)
                .node("MatMul", "mm", new String[] {"x", "w"}, new String[] {"h"})
                .node("MeanVarianceNormalization", "n", new String[] {"h"}, new String[] {"y"}).output("y").build();
        assertThatThrownBy(() -> quantize(mvn, calibration("x", 8, 16), Map.of()))
                .isInstanceOf(PassException.class).hasMessageContaining("MeanVarianceNormalization")
                .hasMessageContaining("opset");
    }

    @Test
    void alreadyQuantizedOrUnquantizableModelsAreNothingToDo() throws Exception {
        PassResult once = quantize(TinyModels.mlp(), calibration("x", 8, 16), Map.of());
        assertThatThrownBy(() -> pass.apply(once.model(), new PassContext(PassParams.defaults(pass),
                Optional.of(calibration("x", 8, 16)), ProgressListener.NONE, 1, dir)))
                .isInstanceOf(NothingToDoException.class).hasMessageContaining("already quantized");

        OnnxMl.ModelProto relu = new ProtoGraph(13).input("x", -1, 4)
                .node("Relu", "r", new String[] {"x"}, new String[] {"y"}).output("y").build();
        assertThatThrownBy(() -> quantize(relu, calibration("x", 8, 4), Map.of()))
                .isInstanceOf(NothingToDoException.class);
    }
}
