package dev.modelforge.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.OnnxFiles;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import dev.modelforge.onnx.data.OnnxTestData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the committed fixtures against the generator's own record: ONNX Runtime must reproduce the
 * accuracy that torch measured before export (two independent computations of the same number), so a
 * broken export, a stale npz or a mismatched split shows up here and not as a mysterious pass failure.
 */
class FixturesTest {

    /** The generator writes accuracies with 6 decimals; 0.5 pt covers float reassociation between runtimes. */
    private static final double TOLERANCE = 0.005;
    private static final int BATCH = 64;

    static Path fixture(String name) {
        try {
            var url = FixturesTest.class.getResource("/fixtures/" + name);
            assertThat(url).as("fixture %s on the test classpath", name).isNotNull();
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode metadata() throws IOException {
        return new ObjectMapper().readTree(Files.readString(fixture("metadata.json")));
    }

    static Stream<String> models() throws IOException {
        var names = metadata().path("models").fieldNames();
        Stream.Builder<String> out = Stream.builder();
        names.forEachRemaining(out::add);
        return out.build();
    }

    @Test
    void metadataListsTheFixtures() throws IOException {
        assertThat(models()).containsExactlyInAnyOrder("digits_cnn", "digits_transformer", "digits_cnn_wide");
    }

    @ParameterizedTest
    @MethodSource("models")
    void graphHasTheOpsTheGeneratorRecorded(String name) throws IOException {
        JsonNode meta = metadata().path("models").path(name);
        OnnxMl.ModelProto model = OnnxFiles.read(fixture(meta.path("file").asText()));
        Map<String, Integer> ops = new TreeMap<>();
        model.getGraph().getNodeList().forEach(n -> ops.merge(n.getOpType(), 1, Integer::sum));
        Map<String, Integer> recorded = new TreeMap<>();
        meta.path("ops").fields().forEachRemaining(e -> recorded.put(e.getKey(), e.getValue().asInt()));
        assertThat(ops).isEqualTo(recorded);
        assertThat(model.getOpsetImportList()).anySatisfy(o -> {
            assertThat(o.getDomain()).isEmpty();
            assertThat(o.getVersion()).isEqualTo(meta.path("opset").asLong());
        });
    }

    @Test
    void cnnKeepsBatchNormalizationAndItsResidualAdd() throws IOException {
        // The pruning and BN-folding passes need unfolded BatchNormalization nodes to act on.
        OnnxMl.ModelProto cnn = OnnxFiles.read(fixture("digits_cnn.onnx"));
        assertThat(cnn.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("BatchNormalization")).hasSize(5);
        assertThat(cnn.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("Add")).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("models")
    void onnxRuntimeReproducesTheGeneratorsAccuracy(String name) throws Exception {
        JsonNode meta = metadata().path("models").path(name);
        Map<String, NdArray> eval = Npz.read(fixture(meta.path("data").asText() + "_eval.npz"));
        NdArray inputs = eval.get("input");
        long[] labels = eval.get("labels").toLongArray();
        assertThat(inputs.dim(0)).isEqualTo(labels.length).isEqualTo(meta.path("eval_samples").asLong());

        var env = OrtEnvironment.getEnvironment();
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(fixture(meta.path("file").asText()).toString(), options)) {
                assertDynamicBatchSignature(session, inputs);
                int correct = 0;
                for (long start = 0; start < labels.length; start += BATCH) {
                    long count = Math.min(BATCH, labels.length - start);
                    float[][] logits = run(env, session, inputs.slice(start, count));
                    for (int i = 0; i < count; i++) {
                        if (argMax(logits[i]) == labels[(int) start + i]) {
                            correct++;
                        }
                    }
                }
                double accuracy = (double) correct / labels.length;
                assertThat(accuracy).as("%s top-1 with ONNX Runtime", name)
                        .isCloseTo(meta.path("eval_accuracy").asDouble(), within(TOLERANCE));
                assertThat(accuracy).isGreaterThanOrEqualTo(0.95);
            }
        }
    }

    @Test
    void testDataZipMatchesOnnxRuntimeOutput() throws Exception {
        var data = OnnxTestData.read(fixture("digits_cnn_testdata.zip"));
        assertThat(data.dataSets()).hasSize(1);
        var set = data.dataSets().get(0);
        NdArray input = set.inputs().get(0).array();
        float[] expected = set.outputs().get(0).array().toFloatArray();
        var env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(fixture("digits_cnn.onnx").toString())) {
            float[][] actual = run(env, session, input);
            assertThat(actual.length * actual[0].length).isEqualTo(expected.length);
            for (int i = 0; i < expected.length; i++) {
                float got = actual[i / actual[0].length][i % actual[0].length];
                assertThat(got).as("logit %d", i).isCloseTo(expected[i], within(1e-3f));
            }
        }
    }

    private static void assertDynamicBatchSignature(OrtSession session, NdArray inputs) throws OrtException {
        assertThat(session.getInputNames()).containsExactly("input");
        assertThat(session.getOutputNames()).containsExactly("logits");
        NodeInfo info = session.getInputInfo().get("input");
        long[] shape = ((TensorInfo) info.getInfo()).getShape();
        assertThat(shape[0]).as("symbolic batch dimension").isEqualTo(-1L);
        assertThat(Arrays.copyOfRange(shape, 1, shape.length))
                .isEqualTo(Arrays.copyOfRange(inputs.shape(), 1, inputs.rank()));
    }

    private static float[][] run(OrtEnvironment env, OrtSession session, NdArray batch) throws OrtException {
        try (var tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.toFloatArray()), batch.shape());
                var result = session.run(Map.of("input", tensor))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private static int argMax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
