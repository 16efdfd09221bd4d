package dev.modelforge.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.DatasetMismatchException;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import dev.modelforge.onnx.data.TensorProtos;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VAD-shaped stateful model — {@code input} [N, 16], {@code state} [2, N, 8] (sample axis 1), {@code sr} an int64
 * scalar; outputs a probability and the next state — calibrated and validated on its real sequence: ONNX test data
 * where each {@code test_data_set_K} is one step fed as recorded (the state the previous step produced), and the
 * same data as an {@code .npz} with declared sample axes or per-case arrays.
 */
class StatefulModelTest {
    private static final int STEPS = 6;

    @TempDir
    Path tmp;

    static Model vadLike() {
        ModelBuilder b = ModelBuilder.create("vad-like", 13).input("input", DataType.FLOAT, -1, 16)
                .input("state", DataType.FLOAT, 2, -1, 8).input("sr", DataType.INT64)
                .initializer(Tensor.ofFloats("w1", new long[] {16, 8}, weights(1, 16 * 8)))
                .initializer(Tensor.ofFloats("w2", new long[] {8, 8}, weights(2, 8 * 8)))
                .initializer(Tensor.ofFloats("w3", new long[] {8, 1}, weights(3, 8)))
                .initializer(Tensor.scalar("rate", 16000f))
                .initializer(Tensor.ofInt64("zero", new long[] {1}, new long[] {0}));
        b.node("MatMul", List.of("input", "w1"), List.of("h"));
        b.node("ReduceMean", List.of("state"), List.of("s")).setAttrInts("axes", List.of(0L)).setAttr("keepdims", 0L);
        b.node("MatMul", List.of("s", "w2"), List.of("sm"));
        b.node("Cast", List.of("sr"), List.of("srf")).setAttr("to", (long) DataType.FLOAT.onnxCode());
        b.node("Div", List.of("srf", "rate"), List.of("k"));
        b.node("Add", List.of("h", "sm"), List.of("z0"));
        b.node("Mul", List.of("z0", "k"), List.of("z"));
        b.node("Tanh", List.of("z"), List.of("t"));
        b.node("MatMul", List.of("t", "w3"), List.of("logit"));
        b.node("Sigmoid", List.of("logit"), List.of("output"));
        b.node("Unsqueeze", List.of("t", "zero"), List.of("u0"));
        b.node("Unsqueeze", List.of("z", "zero"), List.of("u1"));
        b.node("Concat", List.of("u0", "u1"), List.of("stateN")).setAttr("axis", 0L);
        return b.output("output", DataType.FLOAT, -1, 1).output("stateN", DataType.FLOAT, 2, -1, 8).build();
    }

    private static float[] weights(long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * 0.4);
        }
        return w;
    }

    /** Runs the float model step by step from a zero state and records each step's feeds. */
    private static List<Map<String, NdArray>> sequence(Path model) throws Exception {
        List<Map<String, NdArray>> steps = new ArrayList<>();
        float[] state = new float[2 * 8];
        try (OrtSession s = OrtSessions.open(model, 1, null)) {
            for (int step = 0; step < STEPS; step++) {
                float[] chunk = new float[16];
                for (int i = 0; i < 16; i++) {
                    chunk[i] = (float) Math.sin(0.3 * (step * 16 + i)) * (step % 2 == 0 ? 1.0f : 0.2f);
                }
                Map<String, NdArray> feeds = new LinkedHashMap<>();
                feeds.put("input", NdArray.ofFloats(chunk, 1, 16));
                feeds.put("state", NdArray.ofFloats(state.clone(), 2, 1, 8));
                feeds.put("sr", NdArray.ofLongs(new long[] {16000}));
                steps.add(feeds);
                Map<String, OnnxTensor> in = new LinkedHashMap<>();
                for (var e : feeds.entrySet()) {
                    in.put(e.getKey(), OrtSessions.tensor(e.getValue()));
                }
                try (OrtSession.Result r = s.run(in)) {
                    FloatBuffer next = ((OnnxTensor) r.get("stateN").orElseThrow()).getFloatBuffer();
                    next.get(state);
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
        return steps;
    }

    private static Path testData(Path dir, List<Map<String, NdArray>> steps) throws Exception {
        for (int k = 0; k < steps.size(); k++) {
            Path set = Files.createDirectories(dir.resolve("test_data_set_" + k));
            int i = 0;
            for (var e : steps.get(k).entrySet()) {
                Files.write(set.resolve("input_" + i++ + ".pb"),
                        TensorProtos.toTensorProto(e.getKey(), e.getValue()).toByteArray());
            }
        }
        return dir;
    }

    @Test
    void testDataSetsAreCasesAndTheStatefulModelCompressesAndValidates() throws Exception {
        Path model = tmp.resolve("vad.onnx");
        ModelFiles.write(vadLike(), model);
        Path data = testData(tmp.resolve("sequence"), sequence(model));
        EvalDataset loaded = EvalDataset.load(data, ModelSignature.of(vadLike().toProto()));
        assertThat(loaded.perCase()).isTrue();
        assertThat(loaded.sampleCount()).isEqualTo(STEPS);
        assertThat(loaded.batch(3, 8).get("state").shape()).containsExactly(2, 1, 8);

        Path out = tmp.resolve("vad-int8.onnx");
        CompressionReport r = new Compressor().compress(new CompressionRequest(model, out, Recipe.resolve("int8-static"),
                Optional.of(data), Optional.of(data), 1, new ValidationGate(100.0, 0.98), null));
        assertThat(r.validation().passed()).as(r.validation().failure()).isTrue();
        assertThat(r.validation().metrics().samples()).isEqualTo(STEPS);
        assertThat(r.validation().metrics().cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
        assertThat(r.after().opHistogram()).containsKey("QuantizeLinear");
    }

    @Test
    void npzDeclaresSampleAxesOrCases() throws Exception {
        Path model = tmp.resolve("vad.onnx");
        ModelFiles.write(vadLike(), model);
        List<Map<String, NdArray>> steps = sequence(model);
        ModelSignature sig = ModelSignature.of(vadLike().toProto());
        float[] input = new float[STEPS * 16];
        float[] state = new float[2 * STEPS * 8]; // [2, STEPS, 8]: the batch is axis 1
        for (int k = 0; k < STEPS; k++) {
            System.arraycopy(steps.get(k).get("input").toFloatArray(), 0, input, k * 16, 16);
            float[] s = steps.get(k).get("state").toFloatArray();
            for (int layer = 0; layer < 2; layer++) {
                System.arraycopy(s, layer * 8, state, (layer * STEPS + k) * 8, 8);
            }
        }
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("input", NdArray.ofFloats(input, STEPS, 16));
        arrays.put("state", NdArray.ofFloats(state, 2, STEPS, 8));
        arrays.put("sr", NdArray.ofLongs(new long[] {16000}));
        Path undeclared = tmp.resolve("undeclared.npz");
        Npz.write(undeclared, arrays);
        assertThatThrownBy(() -> EvalDataset.load(undeclared, sig)).isInstanceOf(DatasetMismatchException.class)
                .hasMessageContaining("sample_axis.state");

        arrays.put("sample_axis.state", NdArray.ofLongs(new long[] {1}));
        Path declared = tmp.resolve("declared.npz");
        Npz.write(declared, arrays);
        EvalDataset batched = EvalDataset.load(declared, sig);
        assertThat(batched.sampleCount()).isEqualTo(STEPS);
        Map<String, NdArray> two = batched.batch(2, 2);
        assertThat(two.get("state").shape()).containsExactly(2, 2, 8);
        assertThat(two.get("state").toFloatArray()[8]).isEqualTo(steps.get(3).get("state").toFloatArray()[0]);
        assertThat(two.get("sr").rank()).isZero();

        Map<String, NdArray> cases = new LinkedHashMap<>();
        for (int k = 0; k < STEPS; k++) {
            for (var e : steps.get(k).entrySet()) {
                cases.put("case" + k + "." + e.getKey(), e.getValue());
            }
        }
        Path perCase = tmp.resolve("cases.npz");
        Npz.write(perCase, cases);
        EvalDataset c = EvalDataset.load(perCase, sig);
        assertThat(c.perCase()).isTrue();
        assertThat(c.sampleCount()).isEqualTo(STEPS);
        CompressionReport r = new Compressor().compress(new CompressionRequest(model, tmp.resolve("o.onnx"),
                Recipe.resolve("int8-static"), Optional.of(declared), Optional.of(perCase), 1,
                new ValidationGate(100.0, 0.98), null));
        assertThat(r.validation().metrics().samples()).isEqualTo(STEPS);
    }
}
