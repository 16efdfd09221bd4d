package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureReaderTest {

    @Test
    void readsMlpWithSymbolicBatch() {
        ModelSignature sig = SignatureReader.read(Fixtures.path("mlp.onnx"));

        assertThat(sig.inputs()).containsExactly(
                new TensorSpec("x", ElementType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(4))));
        assertThat(sig.outputs()).containsExactly(
                new TensorSpec("y", ElementType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(3))));
        assertThat(sig.opsetImports()).isEqualTo(Map.of("", 13L));
        assertThat(sig.defaultOpset()).isEqualTo(13);
        assertThat(sig.irVersion()).isEqualTo(8);
        assertThat(sig.producerName()).isEqualTo("modelforge-fixtures");
        assertThat(sig.producerVersion()).isEqualTo("1");
        assertThat(sig.graphName()).isEqualTo("mlp");
        assertThat(sig.initializerCount()).isEqualTo(2);
        assertThat(sig.nodeCount()).isEqualTo(2);
        assertThat(sig.parameterCount()).isEqualTo(4 * 3 + 3);
    }

    @Test
    void initializersListedAsInputsAreNotSignatureInputs() {
        ModelSignature sig = SignatureReader.read(Fixtures.path("opset7_initializers_as_inputs.onnx"));

        assertThat(sig.inputs()).extracting(TensorSpec::name).containsExactly("input");
        assertThat(sig.inputs().get(0).shape()).containsExactly(Dim.of(1), Dim.of(4));
        assertThat(sig.irVersion()).isEqualTo(3);
        assertThat(sig.defaultOpset()).isEqualTo(7);
        assertThat(sig.parameterCount()).isEqualTo(15);
    }

    @Test
    void multipleInputsWithSymbolicFixedAndUnknownDims() {
        ModelSignature sig = SignatureReader.read(Fixtures.path("multi_input.onnx"));

        assertThat(sig.inputs()).containsExactly(
                new TensorSpec("features", ElementType.FLOAT, List.of(Dim.symbolic("N"), Dim.symbolic("seq"), Dim.of(3))),
                new TensorSpec("ids", ElementType.INT64, List.of(Dim.symbolic("N"), Dim.unknown())));
        assertThat(sig.outputs()).extracting(TensorSpec::name).containsExactly("scaled", "emb");
        assertThat(sig.opsetImports()).isEqualTo(Map.of("", 17L, "com.microsoft", 1L));
        assertThat(sig.parameterCount()).isEqualTo(10 * 2 + 1);
        assertThat(sig.input("ids")).isPresent();
        assertThat(sig.input("table")).isEmpty();
    }

    @Test
    void externalDataModelIsReadWithoutItsSideFile() throws Exception {
        byte[] bytes = Files.readAllBytes(Fixtures.path("external.onnx"));
        ModelSignature sig = SignatureReader.read(new ByteArrayInputStream(bytes));

        assertThat(sig).isEqualTo(SignatureReader.read(Fixtures.path("mlp.onnx")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp.onnx", "opset7_initializers_as_inputs.onnx", "multi_input.onnx", "external.onnx",
            "single_relu.onnx", "two_transposes.onnx"})
    void streamingAndParsedModelAgree(String fixture) {
        Path file = Fixtures.path(fixture);
        assertThat(SignatureReader.read(file)).isEqualTo(ModelSignature.of(OnnxFiles.read(file)));
    }

    @Test
    void thirdPartyModel() {
        ModelSignature sig = SignatureReader.read(Fixtures.path("single_relu.onnx"));
        assertThat(sig.inputs()).hasSize(1);
        assertThat(sig.inputs().get(0).elementType()).isEqualTo(ElementType.FLOAT);
        assertThat(sig.nodeCount()).isEqualTo(1);
    }

    @Test
    void unknownRankAndNonTensorInputs() {
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph().clearInput()
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("any").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))))
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("seq").setType(OnnxMl.TypeProto.newBuilder()
                        .setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder())))
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("int4").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(22)
                                .setShape(OnnxMl.TensorShapeProto.newBuilder().addDim(
                                        OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(8)))))));

        ModelSignature sig = SignatureReader.read(OnnxFiles.toBytes(m));

        assertThat(sig.inputs()).containsExactly(
                new TensorSpec("any", ElementType.FLOAT, List.of(), false),
                new TensorSpec("seq", ElementType.UNDEFINED, List.of(), false),
                new TensorSpec("int4", ElementType.INT4, List.of(Dim.of(8))));
        assertThat(sig.inputs().get(0).rank()).isEqualTo(-1);
        assertThat(sig).isEqualTo(ModelSignature.of(m));
    }

    @Test
    void pngIsNotOnnx() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, (byte) 0xc4, (byte) 0x89};
        assertReason(png, Reason.NOT_PROTOBUF);
    }

    @Test
    void randomBytesAreNotOnnx() {
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            int i = n;
            byte[] junk = new byte[1 + random.nextInt(4096)];
            random.nextBytes(junk);
            assertThatThrownBy(() -> SignatureReader.read(junk)).isInstanceOf(InvalidOnnxException.class)
                    .satisfies(e -> assertThat(((InvalidOnnxException) e).reason())
                            .as("junk #%d", i).isIn(Reason.NOT_PROTOBUF, Reason.MALFORMED));
        }
    }

    @Test
    void emptyInputIsNotOnnx() {
        assertReason(new byte[0], Reason.NOT_PROTOBUF);
    }

    @Test
    void textIsNotOnnx() {
        assertReason("{\"model\": \"not really\"}\n".getBytes(), Reason.NOT_PROTOBUF);
    }

    @Test
    void truncatedModelIsReportedAsTruncated() throws Exception {
        byte[] full = Files.readAllBytes(Fixtures.path("multi_input.onnx"));
        // Every cut inside the graph leaves a field unfinished.
        int graphStart = indexOfGraph(full);
        for (int c = graphStart + 3; c < full.length - 40; c += 7) {
            int cut = c;
            byte[] part = Arrays.copyOf(full, cut);
            assertThatThrownBy(() -> SignatureReader.read(part)).as("cut at %d", cut)
                    .isInstanceOfSatisfying(InvalidOnnxException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
        }
    }

    private static int indexOfGraph(byte[] model) throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(model);
        OnnxMl.ModelProto beforeGraph = m.toBuilder().clearGraph().clearOpsetImport().build();
        return beforeGraph.getSerializedSize();
    }

    @Test
    void modelWithoutGraph() {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build();
        assertReason(m.toByteArray(), Reason.NO_GRAPH);
        assertThatThrownBy(() -> ModelSignature.of(m)).isInstanceOfSatisfying(InvalidOnnxException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NO_GRAPH));
    }

    @Test
    void graphWhoseInputsAreAllInitializers() {
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph().clearInput()
                .addInput(TestModels.floatInput("w", 2))
                .addInitializer(TestModels.floats("w", new float[] {1, 2}, 2)));
        assertReason(m.toByteArray(), Reason.NO_INPUTS);
    }

    @Test
    void graphWithoutOutputs() {
        assertReason(TestModels.model(TestModels.graph().clearOutput()).toByteArray(), Reason.NO_OUTPUTS);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 99})
    void unsupportedIrVersion(long ir) {
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph()).toBuilder().setIrVersion(ir).build();
        assertThatThrownBy(() -> SignatureReader.read(m.toByteArray()))
                .isInstanceOfSatisfying(InvalidOnnxException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_IR_VERSION))
                .hasMessageContaining(Long.toString(ir));
    }

    @Test
    void absurdlyLongNameIsRejectedNotAllocated() {
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph().setName("g".repeat(100_000)));
        assertReason(m.toByteArray(), Reason.MALFORMED);
    }

    private static void assertReason(byte[] bytes, Reason reason) {
        assertThatThrownBy(() -> SignatureReader.read(bytes)).isInstanceOfSatisfying(InvalidOnnxException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
        if (reason == Reason.NOT_PROTOBUF || reason == Reason.TRUNCATED || reason == Reason.NO_GRAPH
                || reason == Reason.UNSUPPORTED_IR_VERSION) {
            // OnnxFiles only refuses what makes a file unusable as a model; signature rules are stricter.
            assertThatThrownBy(() -> OnnxFiles.readBytes(bytes)).isInstanceOfSatisfying(InvalidOnnxException.class,
                    e -> assertThat(e.reason()).isEqualTo(reason));
        }
    }
}
