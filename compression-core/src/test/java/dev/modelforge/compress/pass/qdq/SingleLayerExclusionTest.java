package dev.modelforge.compress.pass.qdq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.calibrate.EvalDatasetCalibrationData;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.pass.StaticQdqQuantization;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quantizing one layer with every other Conv/Gemm excluded (how the accuracy-aware search measures
 * sensitivity) must cost no more than quantizing all of them: an excluded reader of a quantized op
 * whose ReLU was folded into the output quantizer must still see the ReLU applied.
 */
class SingleLayerExclusionTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final List<String> TINY_LAYERS = List.of("conv1", "conv2", "fc");

    @TempDir
    Path dir;

    private final StaticQdqQuantization pass = new StaticQdqQuantization();

    /** x[N,3,6,6] → Conv → BN → Relu → Conv(bias) → Relu → GlobalAveragePool → Flatten → Gemm → y[N,4]. */
    private static OnnxMl.ModelProto convBnReluConvReluGemm() {
        float[] var = ProtoGraph.random(35, 6, 0.4f);
        for (int i = 0; i < var.length; i++) {
            var[i] = 0.5f + Math.abs(var[i]);
        }
        return new ProtoGraph(13).input("x", -1, 3, 6, 6)
                .initializer("w1", ProtoGraph.random(31, 6 * 3 * 9, 0.4f), 6, 3, 3, 3)
                .initializer("g", ProtoGraph.random(32, 6, 0.5f), 6)
                .initializer("b", ProtoGraph.random(33, 6, 0.3f), 6)
                .initializer("m", ProtoGraph.random(34, 6, 0.3f), 6)
                .initializer("v", var, 6)
                .initializer("w2", ProtoGraph.random(36, 8 * 6 * 9, 0.3f), 8, 6, 3, 3)
                .initializer("c2", ProtoGraph.random(37, 8, 0.2f), 8)
                .initializer("fw", ProtoGraph.random(38, 4 * 8, 0.5f), 4, 8)
                .initializer("fb", ProtoGraph.random(39, 4, 0.1f), 4)
                .node("Conv", "conv1", new String[] {"x", "w1"}, new String[] {"c1"}, "pads", new long[] {1, 1, 1, 1})
                .node("BatchNormalization", "bn", new String[] {"c1", "g", "b", "m", "v"}, new String[] {"n1"})
                .node("Relu", "relu1", new String[] {"n1"}, new String[] {"r1"})
                .node("Conv", "conv2", new String[] {"r1", "w2", "c2"}, new String[] {"c2out"},
                        "pads", new long[] {1, 1, 1, 1})
                .node("Relu", "relu2", new String[] {"c2out"}, new String[] {"r2"})
                .node("GlobalAveragePool", "gap", new String[] {"r2"}, new String[] {"p"})
                .node("Flatten", "flatten", new String[] {"p"}, new String[] {"f"})
                .node("Gemm", "fc", new String[] {"f", "fw", "fb"}, new String[] {"y"}, "transB", 1L)
                .output("y").build();
    }

    private PassResult quantize(Model model, Path data, List<String> exclude) throws Exception {
        Map<String, Object> params = new java.util.HashMap<>();
        if (!exclude.isEmpty()) {
            params.put("excludeNodes", exclude);
        }
        if (model.graph().nodes().stream().anyMatch(n -> n.name().equals("conv1"))) {
            // the tiny graph's 3-channel conv1 would keep float compute under the default threshold (8)
            params.put("minConvInputChannels", 1);
        }
        return pass.apply(model, new PassContext(PassParams.resolve(pass, params), Optional.of(data),
                ProgressListener.NONE, 1, dir));
    }

    private static List<String> allBut(List<String> layers, String kept) {
        return layers.stream().filter(l -> !l.equals(kept)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv1", "conv2", "fc"})
    void eachLayerAloneStaysAsCloseToFloatAsAllLayers(String layer) throws Exception {
        OnnxMl.ModelProto model = convBnReluConvReluGemm();
        Path data = dir.resolve("calib.npz");
        Npz.write(data, Map.of("x", NdArray.ofFloats(ProtoGraph.random(98, 32 * 3 * 36, 2f), 32, 3, 6, 6)));
        float[] input = ProtoGraph.random(97, 8 * 3 * 36, 2f);
        float[] expected = OrtHarness.run(model, "x", input, 8, 3, 6, 6);

        float[] all = OrtHarness.run(quantize(Model.fromProto(model, null), data, List.of()).model().toProto(),
                "x", input, 8, 3, 6, 6);
        PassResult one = quantize(Model.fromProto(model, null), data, allBut(TINY_LAYERS, layer));
        float[] alone = OrtHarness.run(one.model().toProto(), "x", input, 8, 3, 6, 6);

        assertThat(one.report().nodes()).filteredOn(n -> TINY_LAYERS.contains(n.node()))
                .allMatch(n -> n.action() == (n.node().equals(layer) ? NodeAction.QUANTIZED : NodeAction.SKIPPED));
        if (layer.equals("conv1")) {
            // relu1 is folded into conv1's output quantizer, yet the float conv2 still reads a Relu
            OnnxMl.GraphProto g = one.model().toProto().getGraph();
            String conv2Input = g.getNodeList().stream().filter(n -> n.getName().equals("conv2"))
                    .findFirst().orElseThrow().getInput(0);
            assertThat(g.getNodeList()).anyMatch(n -> n.getOpType().equals("Relu") && n.getOutput(0).equals(conv2Input));
            assertThat(one.report().notes()).anyMatch(n -> n.contains("relu1") && n.contains("float"));
        }
        double allError = OrtHarness.maxAbsDiff(expected, all);
        double aloneError = OrtHarness.maxAbsDiff(expected, alone);
        System.out.printf("tiny %s alone: max error %.4f (all layers %.4f, |y| max %.3f)%n",
                layer, aloneError, allError, OrtHarness.maxAbs(expected));
        assertThat(aloneError).isLessThan(0.05 * OrtHarness.maxAbs(expected));
        assertThat(aloneError).isLessThanOrEqualTo(1.5 * allError + 1e-3);
    }

    @Test
    void eachCnnFixtureLayerAloneKeepsTop1AndFidelity() throws Exception {
        Model model = ModelFiles.read(FIXTURES.resolve("digits_cnn.onnx"));
        OnnxMl.ModelProto floatProto = model.toProto();
        EvalDataset eval = EvalDataset.load(FIXTURES.resolve("digits_cnn_eval.npz"), ModelSignature.of(floatProto));
        List<String> layers = floatProto.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv") || n.getOpType().equals("Gemm"))
                .map(OnnxMl.NodeProto::getName).toList();
        assertThat(layers).hasSize(6);
        float[][] reference = logits(floatProto, eval);
        double floatTop1 = top1(reference, eval);
        List<String> failures = new ArrayList<>();
        List<String> floatCompute = new ArrayList<>();
        for (String layer : layers) {
            PassResult r = quantize(model, FIXTURES.resolve("digits_cnn_calib.npz"), allBut(layers, layer));
            // the 1-channel stem keeps float compute (int8 weights); widen is quantized behind a Relu guard
            r.report().nodes().stream().filter(n -> n.node().equals(layer) && n.action() == NodeAction.KEPT_FLOAT)
                    .forEach(n -> floatCompute.add(n.node()));
            float[][] out = logits(r.model().toProto(), eval);
            double drop = floatTop1 - top1(out, eval);
            double cosine = meanCosine(reference, out);
            System.out.printf("digits_cnn %s alone: top-1 drop %.2f pt, mean cosine %.5f%n", layer, drop, cosine);
            if (drop > 2.0 || cosine < 0.99) {
                failures.add(layer + " (drop " + drop + " pt, cosine " + cosine + ")");
            }
        }
        assertThat(failures).isEmpty();
        assertThat(floatCompute).containsExactly("/stem/stem.0/Conv");
    }

    private static float[][] logits(OnnxMl.ModelProto model, EvalDataset eval) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        EvalDatasetCalibrationData batches = new EvalDatasetCalibrationData(eval);
        float[][] all = new float[eval.sampleCount()][];
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession s = env.createSession(model.toByteArray(), o)) {
                for (int start = 0; start < eval.sampleCount(); start += 64) {
                    int size = Math.min(64, eval.sampleCount() - start);
                    Map<String, OnnxTensor> in = batches.batch(env, start, size);
                    try (OrtSession.Result r = s.run(in)) {
                        float[][] batch = (float[][]) r.get(0).getValue();
                        System.arraycopy(batch, 0, all, start, size);
                    } finally {
                        in.values().forEach(OnnxTensor::close);
                    }
                }
            }
        }
        return all;
    }

    private static double top1(float[][] logits, EvalDataset eval) {
        long[] labels = eval.labels().orElseThrow().toLongArray();
        int correct = 0;
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int k = 1; k < logits[i].length; k++) {
                if (logits[i][k] > logits[i][best]) {
                    best = k;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return 100.0 * correct / logits.length;
    }

    private static double meanCosine(float[][] a, float[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int k = 0; k < a[i].length; k++) {
                dot += (double) a[i][k] * b[i][k];
                na += (double) a[i][k] * a[i][k];
                nb += (double) b[i][k] * b[i][k];
            }
            sum += dot / Math.sqrt(na * nb + 1e-30);
        }
        return sum / a.length;
    }
}
