package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The upload check: models that parse but can never run are refused with the tensor or node named. */
class StructuralValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"single_relu.onnx", "mlp.onnx", "multi_input.onnx", "two_transposes.onnx",
            "opset7_initializers_as_inputs.onnx"})
    void realModelsPass(String fixture) throws Exception {
        byte[] bytes = Files.readAllBytes(Fixtures.path(fixture));
        assertThat(validate(bytes)).isEqualTo(SignatureReader.read(bytes));
    }

    @Test
    void externalDataIsRefusedInASingleFileNamingTheTensor() throws Exception {
        byte[] bytes = Files.readAllBytes(Fixtures.path("external.onnx"));
        assertRefused(bytes, Reason.BAD_EXTERNAL_DATA, "external file", "single-file upload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../../../etc/passwd", "/etc/passwd", "C:evil.bin", "a/../../b"})
    void hostileExternalLocationsAreRefusedAndSaySo(String location) {
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph().addInitializer(external("w", location))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("y").addInput("w").addOutput("z")));
        assertRefused(m.toByteArray(), Reason.BAD_EXTERNAL_DATA, "'w'", location);
    }

    @Test
    void aCycleIsRefusedNamingANodeOnIt() {
        OnnxMl.GraphProto.Builder g = TestModels.graph().clearNode()
                .addNode(node("a", "Add", "y", "x", "b_out").clearOutput().addOutput("a_out"))
                .addNode(node("b", "Relu", "b_out", "a_out"))
                .addNode(node("c", "Relu", "y", "a_out"));
        assertRefused(TestModels.model(g).toByteArray(), Reason.UNRUNNABLE, "cycle", "'a'");
    }

    @Test
    void anUndefinedInputIsRefusedNamingNodeAndTensor() {
        OnnxMl.GraphProto.Builder g = TestModels.graph().clearNode().addNode(node("r", "Relu", "y", "nowhere"));
        assertRefused(TestModels.model(g).toByteArray(), Reason.UNRUNNABLE, "'r'", "'nowhere'");
    }

    @Test
    void anOutputNothingProducesIsRefused() {
        OnnxMl.GraphProto.Builder g = TestModels.graph().addOutput(TestModels.floatInput("ghost", 2));
        assertRefused(TestModels.model(g).toByteArray(), Reason.UNRUNNABLE, "'ghost'", "never produced");
    }

    @Test
    void aTensorDefinedTwiceIsRefused() {
        OnnxMl.GraphProto.Builder g = TestModels.graph().addNode(node("again", "Relu", "y", "x"));
        assertRefused(TestModels.model(g).toByteArray(), Reason.UNRUNNABLE, "'y'", "defined twice");
    }

    @Test
    void anOpsetNoRuntimeKnowsIsRefusedWithTheLimitKey() {
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph()).toBuilder().clearOpsetImport()
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(999)).build();
        assertThatThrownBy(() -> validate(m.toByteArray())).isInstanceOfSatisfying(ModelLimitException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNRUNNABLE);
            assertThat(e.limitKey()).isEqualTo("max-onnx-opset");
            assertThat(e.getMessage()).contains("999");
        });
    }

    @Test
    void aNodeOfAnUnimportedDomainIsRefused() {
        OnnxMl.GraphProto.Builder g = TestModels.graph().clearNode()
                .addNode(node("custom", "Magic", "y", "x").setDomain("com.example"));
        assertRefused(TestModels.model(g).toByteArray(), Reason.UNRUNNABLE, "com.example", "'custom'");
    }

    @Test
    void noOpsetAtAllIsRefused() {
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph()).toBuilder().clearOpsetImport().build();
        assertRefused(m.toByteArray(), Reason.UNRUNNABLE, "opset_import");
    }

    @Test
    void hugeDimsWithoutDataAreRefused() {
        OnnxMl.TensorProto w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1)
                .addDims(1 << 20).addDims(1 << 20).build();
        assertRefused(withInitializer(w), Reason.MALFORMED, "'w'", "no data");
    }

    @Test
    void rawDataShorterThanItsShapeIsRefused() {
        OnnxMl.TensorProto w = TestModels.floats("w", new float[] {1, 2, 3}, 2, 2);
        assertRefused(withInitializer(w), Reason.MALFORMED, "'w'", "needing 16 raw_data bytes but holds 12");
    }

    @Test
    void typedDataNotMatchingItsShapeIsRefused() {
        OnnxMl.TensorProto w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3)
                .addFloatData(1).addFloatData(2).build();
        assertRefused(withInitializer(w), Reason.MALFORMED, "'w'");
        OnnxMl.TensorProto ok = w.toBuilder().addFloatData(3).build();
        assertThat(validate(withInitializer(ok)).inputs()).hasSize(1);
    }

    @Test
    void dimsWhoseProductOverflowsAreRefused() {
        OnnxMl.TensorProto w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1)
                .addDims(Long.MAX_VALUE / 2).addDims(16).setRawData(ByteString.copyFrom(new byte[4])).build();
        assertRefused(withInitializer(w), Reason.MALFORMED, "'w'", "overflows");
    }

    @Test
    void longInputNamesHitTheSignatureCapThatKeepsEventsSmall() {
        OnnxMl.GraphProto.Builder g = TestModels.graph();
        for (int i = 0; i < 20; i++) {
            g.addInput(TestModels.floatInput(i + "n".repeat(60_000), 1));
        }
        assertLimit(TestModels.model(g).toByteArray(), ModelLimits.DEFAULTS, "max-signature-bytes");
    }

    @Test
    void everyCapIsEnforcedAndNamed() {
        byte[] model = bytes("mlp.onnx");
        ModelLimits d = ModelLimits.DEFAULTS;
        assertLimit(bytes("multi_input.onnx"), new ModelLimits(1, d.maxGraphOutputs(), d.maxRank(), d.maxSignatureBytes(),
                d.maxNameBytes(), d.maxInitializers(), d.maxNodes(), 23, 5), "max-graph-inputs");
        assertLimit(model, new ModelLimits(d.maxGraphInputs(), d.maxGraphOutputs(), 1, d.maxSignatureBytes(),
                d.maxNameBytes(), d.maxInitializers(), d.maxNodes(), 23, 5), "max-rank");
        assertLimit(model, new ModelLimits(d.maxGraphInputs(), d.maxGraphOutputs(), d.maxRank(),
                d.maxSignatureBytes(), 64, d.maxInitializers(), d.maxNodes(), 23, 5), "max-name-bytes");
        assertLimit(model, new ModelLimits(d.maxGraphInputs(), d.maxGraphOutputs(), d.maxRank(),
                d.maxSignatureBytes(), d.maxNameBytes(), 1, d.maxNodes(), 23, 5), "max-initializers");
        assertLimit(model, new ModelLimits(d.maxGraphInputs(), d.maxGraphOutputs(), d.maxRank(),
                d.maxSignatureBytes(), d.maxNameBytes(), d.maxInitializers(), 1, 23, 5), "max-nodes");
        OnnxMl.GraphProto.Builder wide = TestModels.graph();
        for (int i = 0; i < 3; i++) {
            wide.addOutput(TestModels.floatInput("o" + i, 1));
        }
        assertLimit(TestModels.model(wide).toByteArray(), new ModelLimits(d.maxGraphInputs(), 2, d.maxRank(),
                d.maxSignatureBytes(), d.maxNameBytes(), d.maxInitializers(), d.maxNodes(), 23, 5),
                "max-graph-outputs");
        OnnxMl.GraphProto.Builder deep = TestModels.graph().clearInput().addInput(TestModels.floatInput("x",
                new long[100]));
        assertLimit(TestModels.model(deep).toByteArray(), d, "max-rank");
    }

    /** The compressor reads with OnnxFiles: it used to meet these as ArithmeticException and BufferUnderflow. */
    @Test
    void onnxFilesRefusesInconsistentTensorsInWordsNotJavaInternals() {
        for (OnnxMl.TensorProto w : new OnnxMl.TensorProto[] {
                TestModels.floats("w", new float[] {1, 2, 3}, 2, 2),
                OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(1 << 20).addDims(1 << 20).build(),
                OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(Long.MAX_VALUE / 2).addDims(16)
                        .setRawData(ByteString.copyFrom(new byte[4])).build()}) {
            assertThatThrownBy(() -> OnnxFiles.readBytes(withInitializer(w)))
                    .isInstanceOfSatisfying(InvalidOnnxException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
                    .hasMessageContaining("'w'").hasMessageNotContaining("Exception");
        }
    }

    @Test
    void readCheckedRefusesAnExternalReferenceLeavingTheDirectory(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.onnx");
        Files.copy(Fixtures.path("external.onnx"), ok);
        Files.copy(Fixtures.path("external.onnx.data"), dir.resolve("external.onnx.data"));
        assertThat(SignatureReader.readChecked(ok)).isEqualTo(SignatureReader.read(ok));

        Path evil = dir.resolve("evil.onnx");
        Files.write(evil, TestModels.model(TestModels.graph().addInitializer(external("w", "../outside.bin")))
                .toByteArray());
        assertThatThrownBy(() -> SignatureReader.readChecked(evil)).isInstanceOfSatisfying(InvalidOnnxException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_EXTERNAL_DATA)).hasMessageContaining("..");

        Path missing = dir.resolve("missing.onnx");
        Files.write(missing, TestModels.model(TestModels.graph().addInitializer(external("w", "nothere.bin")))
                .toByteArray());
        assertThatThrownBy(() -> SignatureReader.readChecked(missing)).hasMessageContaining("does not exist");
    }

    private static byte[] bytes(String fixture) {
        try {
            return Files.readAllBytes(Fixtures.path(fixture));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] withInitializer(OnnxMl.TensorProto w) {
        return TestModels.model(TestModels.graph().addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("w").addOutput("w_copy")))
                .toByteArray();
    }

    private static OnnxMl.NodeProto.Builder node(String name, String op, String output, String... inputs) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setName(name).setOpType(op).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        return n;
    }

    private static OnnxMl.TensorProto external(String name, String location) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1).addDims(2)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .build();
    }

    private static ModelSignature validate(byte[] bytes) {
        return SignatureReader.validateSingleFile(new ByteArrayInputStream(bytes), ModelLimits.DEFAULTS);
    }

    private static void assertRefused(byte[] bytes, Reason reason, String... mentions) {
        ThrowingCallable call = () -> validate(bytes);
        var a = assertThatThrownBy(call).isInstanceOfSatisfying(InvalidOnnxException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
        for (String m : mentions) {
            a.hasMessageContaining(m);
        }
    }

    private static void assertLimit(byte[] bytes, ModelLimits limits, String key) {
        assertThatThrownBy(() -> SignatureReader.validateSingleFile(new ByteArrayInputStream(bytes), limits))
                .isInstanceOfSatisfying(ModelLimitException.class, e -> {
                    assertThat(e.limitKey()).isEqualTo(key);
                    assertThat(e.reason()).isEqualTo(Reason.LIMIT_EXCEEDED);
                });
    }
}
