package dev.modelforge.compress.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.modelforge.compress.testing.ThirdPartyModel.Trait;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Smoke test of the third-party collection: every model resolves to bytes with the manifest's digest, and
 * ONNX Runtime loads it and runs it on generated inputs to finite float outputs. If this fails, compressor
 * tests over the collection would fail for reasons that have nothing to do with the compressor.
 */
class ThirdPartyModelsTest {

    static List<ThirdPartyModel> models() {
        return ThirdPartyModels.all();
    }

    @Test
    void manifestCoversTheShapesUsersBring() {
        assertThat(ThirdPartyModels.all()).extracting(ThirdPartyModel::id).doesNotHaveDuplicates();
        for (Trait trait : List.of(Trait.CONSTANT_WEIGHTS, Trait.OLD_OPSET, Trait.SUBGRAPHS, Trait.NHWC,
                Trait.DYNAMIC_DIMS, Trait.CNN, Trait.TRANSFORMER, Trait.ALREADY_QUANTIZED, Trait.WEIGHTLESS)) {
            assertThat(ThirdPartyModels.withTrait(trait)).as("models with %s", trait).isNotEmpty();
        }
    }

    @Test
    void resolveReplacesACorruptedCachedCopy(@TempDir Path cache) throws Exception {
        String previous = System.getProperty("modelforge.thirdparty.cache");
        System.setProperty("modelforge.thirdparty.cache", cache.toString());
        try {
            ThirdPartyModel model = ThirdPartyModels.byId("all-minilm-l6-v2-q");
            Path first = ThirdPartyModels.resolve(model);
            assertThat(first).startsWith(cache);
            Files.write(first, new byte[] {1, 2, 3});
            Path second = ThirdPartyModels.resolve(model);
            assertThat(second).isEqualTo(first);
            assertThat(ThirdPartyModels.sha256(second)).isEqualTo(model.sha256());
        } finally {
            if (previous == null) {
                System.clearProperty("modelforge.thirdparty.cache");
            } else {
                System.setProperty("modelforge.thirdparty.cache", previous);
            }
        }
    }

    @Test
    void unknownIdIsAClearError() {
        assertThatThrownBy(() -> ThirdPartyModels.byId("no-such-model"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-model");
    }

    @ParameterizedTest
    @MethodSource("models")
    void onnxRuntimeRunsEachModel(ThirdPartyModel model) throws Exception {
        var path = ThirdPartyModels.resolve(model);
        assertThat(Files.size(path)).isEqualTo(model.sizeBytes());

        var env = OrtEnvironment.getEnvironment();
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(path.toString(), options)) {
                assertThat(session.getInputNames()).containsAll(model.inputs().keySet());
                Map<String, OnnxTensor> inputs = GeneratedInputs.create(env, session, model);
                try (OrtSession.Result result = session.run(inputs)) {
                    assertThat(result.size()).isEqualTo(session.getNumOutputs()).isPositive();
                    for (Map.Entry<String, OnnxValue> out : result) {
                        assertFiniteIfFloat(model, out.getKey(), out.getValue());
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    private static void assertFiniteIfFloat(ThirdPartyModel model, String name, OnnxValue value) throws Exception {
        assertThat(value).as("%s output %s", model, name).isInstanceOf(OnnxTensor.class);
        OnnxTensor tensor = (OnnxTensor) value;
        TensorInfo info = tensor.getInfo();
        if (info.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            return;
        }
        FloatBuffer values = tensor.getFloatBuffer();
        assertThat(values.remaining()).as("%s output %s element count", model, name).isPositive();
        while (values.hasRemaining()) {
            float v = values.get();
            assertThat(Float.isFinite(v)).as("%s output %s is finite", model, name).isTrue();
        }
    }
}
