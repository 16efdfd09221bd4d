package dev.modelforge.compress.pass.qdq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.CompressionException;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.testing.GeneratedInputs;
import dev.modelforge.compress.testing.ThirdPartyModel;
import dev.modelforge.compress.testing.ThirdPartyModels;
import dev.modelforge.compress.validate.InputHint;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.onnx.data.DType;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * int8-static over every third-party model, calibrated on one generated sample: a variant that ONNX
 * Runtime loads and runs, or a clean refusal that leaves no file behind.
 */
class ThirdPartyStaticQuantTest {

    @TempDir
    Path tmp;

    static List<ThirdPartyModel> models() {
        return ThirdPartyModels.all();
    }

    /** One generated sample per input, written as the .npz the CLI would get (one case: {@code case0.NAME}). */
    private Path calibrationSet(ThirdPartyModel model, Path onnx) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx.toString(), o)) {
            Map<String, OnnxTensor> inputs = GeneratedInputs.create(env, session, model);
            try {
                for (Map.Entry<String, OnnxTensor> e : inputs.entrySet()) {
                    OnnxTensor t = e.getValue();
                    long[] shape = t.getInfo().getShape();
                    ByteBuffer bytes = t.getByteBuffer();
                    DType dtype = t.getInfo().type == OnnxJavaType.FLOAT ? DType.FLOAT
                            : t.getInfo().type == OnnxJavaType.INT64 ? DType.INT64
                            : t.getInfo().type == OnnxJavaType.INT32 ? DType.INT32 : DType.UINT8;
                    // one case fed as generated: state inputs ([2, batch, hidden]) and scalars need no shared axis
                    arrays.put("case0." + e.getKey(), NdArray.of(dtype, shape, bytes));
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
        Path file = tmp.resolve(model.id() + "-calib.npz");
        Npz.write(file, arrays);
        return file;
    }

    @ParameterizedTest
    @MethodSource("models")
    void yieldsAValidVariantOrRefusesCleanly(ThirdPartyModel model) throws Exception {
        Path in = ThirdPartyModels.resolve(model);
        Map<String, InputHint> hints = new HashMap<>();
        model.inputs().forEach((name, h) -> hints.put(name,
                new InputHint(h.shape(), h.fill().isPresent() ? h.fill().getAsDouble() : null)));
        Path calibration = calibrationSet(model, in);
        Path out = tmp.resolve(model.id() + "-int8-static.onnx");
        CompressionRequest req = new CompressionRequest(in, out, Recipe.resolve("int8-static"), Optional.of(calibration),
                Optional.empty(), 1, ValidationGate.defaults(), null, hints);
        String what = model.id() + " / int8-static";
        try {
            CompressionReport r = new Compressor().compress(req);
            assertThat(out).as(what).exists();
            assertThat(r.validation().passed()).as(what).isTrue();
            assertThat(new Validator(1, 1, ValidationGate.loadAndRunOnly(), hints).validate(out, null, null).passed())
                    .as(what).isTrue();
            System.out.printf("THIRDPARTY %s: ok size %.3fx cosine %.5f%n", what, r.sizeRatio(),
                    r.validation().metrics().cosineSimilarity());
        } catch (CompressionException e) {
            assertThat(e.getMessage()).as(what).isNotBlank();
            assertThat(e.kind()).as(what + ": " + e.getMessage()).isNotEqualTo(CompressionException.Kind.IO);
            assertThat(out).as(what + " refused but left a file").doesNotExist();
            try (var s = Files.list(tmp)) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith("."))).as(what).isEmpty();
            }
            System.out.printf("THIRDPARTY %s: refused (%s) %s%n", what, e.kind(), e.getMessage());
        }
    }
}
