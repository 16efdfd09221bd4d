package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxFilesTest {

    @TempDir
    Path dir;

    @Test
    void roundTripReproducesOnnxPythonBytes() throws IOException {
        for (String name : List.of("mlp.onnx", "multi_input.onnx", "opset7_initializers_as_inputs.onnx",
                "single_relu.onnx")) {
            Path source = Fixtures.path(name);
            OnnxMl.ModelProto model = OnnxFiles.read(source);
            Path copy = dir.resolve(name);

            OnnxFiles.write(model, copy);

            assertThat(Files.readAllBytes(copy)).as(name).isEqualTo(Files.readAllBytes(source));
            assertThat(OnnxFiles.toBytes(model)).isEqualTo(Files.readAllBytes(source));
        }
    }

    @Test
    void readingAFileAliasesTensorBytesInsteadOfCopyingThem() throws IOException {
        OnnxMl.ModelProto model = OnnxFiles.read(Fixtures.path("mlp.onnx"));
        assertThat(model.getGraph().getInitializer(0).getRawData().asReadOnlyByteBuffer().isDirect()).isTrue();

        // 64 MB of weights read from a file cost (almost) no heap.
        byte[] weights = new byte[64 << 20];
        weights[weights.length - 1] = 9;
        OnnxMl.GraphProto.Builder g = TestModels.graph().addInitializer(OnnxMl.TensorProto.newBuilder().setName("w")
                .setDataType(2).addDims(weights.length).setRawData(ByteString.copyFrom(weights)));
        Path file = dir.resolve("big.onnx");
        OnnxFiles.write(TestModels.model(g), file);
        weights = null;
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());

        OnnxMl.ModelProto big = OnnxFiles.read(file);

        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        ByteString raw = big.getGraph().getInitializer(0).getRawData();
        assertThat(raw.byteAt(raw.size() - 1)).isEqualTo((byte) 9);
        assertThat(allocated).isLessThan(8L << 20);
    }

    @Test
    void writeLeavesNoTempFiles() throws IOException {
        OnnxFiles.write(OnnxFiles.read(Fixtures.path("mlp.onnx")), dir.resolve("m.onnx"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m.onnx");
        }
    }

    @Test
    void readsExternalDataLazilyAndMapsIt() {
        OnnxMl.ModelProto ext = OnnxFiles.read(Fixtures.path("external.onnx"));
        OnnxMl.ModelProto inline = OnnxFiles.read(Fixtures.path("mlp.onnx"));
        Path base = OnnxFiles.baseDir(Fixtures.path("external.onnx"));

        for (int i = 0; i < 2; i++) {
            OnnxMl.TensorProto t = ext.getGraph().getInitializer(i);
            assertThat(ExternalData.isExternal(t)).isTrue();
            assertThat(t.hasRawData()).as("not inlined").isFalse();
            ByteBuffer mapped = TensorData.of(t, base).bytes();
            assertThat(mapped).isInstanceOf(MappedByteBuffer.class);
            assertThat(mapped.isReadOnly()).isTrue();
            assertThat(mapped).isEqualTo(TensorData.of(inline.getGraph().getInitializer(i), null).bytes());
        }
    }

    @Test
    void inlineExternalDataGivesTheInlineModel() {
        Path ext = Fixtures.path("external.onnx");
        OnnxMl.ModelProto inlined = OnnxFiles.inlineExternalData(OnnxFiles.read(ext), OnnxFiles.baseDir(ext));
        OnnxMl.ModelProto inline = OnnxFiles.read(Fixtures.path("mlp.onnx"));

        assertThat(inlined.getGraph().getInitializerList()).isEqualTo(inline.getGraph().getInitializerList());
    }

    @Test
    void writeWithExternalDataRoundTrips() throws IOException {
        OnnxMl.ModelProto model = OnnxFiles.read(Fixtures.path("mlp.onnx"));
        Path target = dir.resolve("out.onnx");

        OnnxFiles.writeWithExternalData(model, null, target, "out.onnx.data", 0);

        OnnxMl.ModelProto back = OnnxFiles.read(target);
        assertThat(back.getGraph().getInitializerList()).allSatisfy(t -> assertThat(ExternalData.isExternal(t)).isTrue());
        assertThat(OnnxFiles.inlineExternalData(back, dir)).isEqualTo(model);
        // W: 48 bytes at 0; B: 12 bytes aligned to 64.
        assertThat(ExternalData.ref(back.getGraph().getInitializer(1)).offset()).isEqualTo(64);
        assertThat(Files.size(dir.resolve("out.onnx.data"))).isEqualTo(64 + 12);
        assertThat(SignatureReader.read(target)).isEqualTo(SignatureReader.read(Fixtures.path("mlp.onnx")));
    }

    @Test
    void writeWithExternalDataIsDeterministic() throws IOException {
        OnnxMl.ModelProto model = OnnxFiles.read(Fixtures.path("multi_input.onnx"));
        OnnxFiles.writeWithExternalData(model, null, dir.resolve("a.onnx"), "w.bin", 0);
        Path other = Files.createDirectory(dir.resolve("b"));
        OnnxFiles.writeWithExternalData(model, null, other.resolve("a.onnx"), "w.bin", 0);

        assertThat(Files.readAllBytes(other.resolve("a.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("a.onnx")));
        assertThat(Files.readAllBytes(other.resolve("w.bin"))).isEqualTo(Files.readAllBytes(dir.resolve("w.bin")));
    }

    @Test
    void thresholdKeepsSmallTensorsInlineAndInlinesSmallExternalOnes() throws IOException {
        Path ext = Fixtures.path("external.onnx");
        Path target = dir.resolve("t.onnx");

        // W is 48 bytes, B is 12: only W reaches a threshold of 20.
        OnnxFiles.writeWithExternalData(OnnxFiles.read(ext), OnnxFiles.baseDir(ext), target, "t.data", 20);

        OnnxMl.GraphProto g = OnnxFiles.read(target).getGraph();
        assertThat(ExternalData.isExternal(g.getInitializer(0))).isTrue();
        assertThat(ExternalData.isExternal(g.getInitializer(1))).isFalse();
        assertThat(g.getInitializer(1)).isEqualTo(OnnxFiles.read(Fixtures.path("mlp.onnx")).getGraph().getInitializer(1));
        assertThat(Files.size(dir.resolve("t.data"))).isEqualTo(48);
    }

    @Test
    void externalConstantAttributesAreInlinedWhenMovingTheModel() throws IOException {
        // A Constant whose tensor lives in the source directory's side file.
        Path src = Files.createDirectory(dir.resolve("src"));
        Files.copy(Fixtures.path("external.onnx.data"), src.resolve("external.onnx.data"));
        OnnxMl.TensorProto w = OnnxFiles.read(Fixtures.path("external.onnx")).getGraph().getInitializer(0);
        OnnxMl.ModelProto m = TestModels.model(TestModels.graph().addNode(OnnxMl.NodeProto.newBuilder()
                .setOpType("Constant").addOutput("c").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                        .setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(w))));
        Path target = Files.createDirectory(dir.resolve("dst")).resolve("m.onnx");

        OnnxFiles.writeWithExternalData(m, src, target, "m.data", 0);

        OnnxMl.TensorProto moved = OnnxFiles.read(target).getGraph().getNode(1).getAttribute(0).getT();
        assertThat(ExternalData.isExternal(moved)).isFalse();
        assertThat(moved).isEqualTo(OnnxFiles.read(Fixtures.path("mlp.onnx")).getGraph().getInitializer(0));
    }

    @Test
    void nothingAboveThresholdWritesNoSideFile() throws IOException {
        OnnxFiles.writeWithExternalData(OnnxFiles.read(Fixtures.path("mlp.onnx")), null, dir.resolve("s.onnx"),
                "s.data", 1 << 20);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("s.onnx");
        }
    }

    @Test
    void rejectsSideFileNamesThatAreNotPlainNames() {
        OnnxMl.ModelProto model = OnnxFiles.read(Fixtures.path("mlp.onnx"));
        for (String bad : List.of("../x.data", "sub/x.data", "", "..")) {
            assertThatThrownBy(() -> OnnxFiles.writeWithExternalData(model, null, dir.resolve("m.onnx"), bad, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writeRefusesModelsOverTwoGigabytesAndWritesNothing() {
        OnnxMl.ModelProto big = twoGigabyteModel();
        Path target = dir.resolve("big.onnx");

        assertThatThrownBy(() -> OnnxFiles.write(big, target)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writeWithExternalData");
        assertThat(target).doesNotExist();
    }

    @Test
    void modelsOverTwoGigabytesAreWrittenWithExternalData() throws IOException {
        OnnxMl.ModelProto big = twoGigabyteModel();
        Path target = dir.resolve("big.onnx");

        OnnxFiles.writeWithExternalData(big, null, target);

        assertThat(Files.size(target)).isLessThan(4096);
        long total = 2L * big.getGraph().getInitializer(0).getRawData().size();
        assertThat(Files.size(dir.resolve("big.onnx.data"))).isGreaterThanOrEqualTo(total).isGreaterThan(1L << 31);
        OnnxMl.ModelProto back = OnnxFiles.read(target);
        OnnxMl.TensorProto second = back.getGraph().getInitializer(1);
        ExternalData.Ref ref = ExternalData.ref(second);
        assertThat(ref.offset() % 4096).isZero();
        assertThat(ref.offset() + ref.length()).isGreaterThan(Integer.MAX_VALUE);
        ByteBuffer mapped = TensorData.of(second, dir).bytes();
        int last = mapped.limit() - 1;
        assertThat(mapped.get(last)).isEqualTo(big.getGraph().getInitializer(1).getRawData().byteAt(last));
        assertThat(mapped.get(0)).isEqualTo((byte) 1);
        assertThat(SignatureReader.read(target).parameterCount()).isEqualTo(total / 4);
    }

    /**
     * Two 1.1 GB float tensors whose raw_data are ropes over one 64 MB chunk, so the test needs
     * ~64 MB of heap while the model is logically 2.2 GB.
     */
    private static OnnxMl.ModelProto twoGigabyteModel() {
        byte[] chunk = new byte[64 << 20];
        chunk[0] = 1;
        chunk[chunk.length - 1] = 7;
        ByteString piece = ByteString.copyFrom(chunk);
        ByteString tensor = ByteString.EMPTY;
        for (int i = 0; i < 17; i++) {
            tensor = tensor.concat(piece);
        }
        long elements = tensor.size() / 4;
        OnnxMl.GraphProto.Builder g = TestModels.graph();
        for (String name : List.of("a", "b")) {
            g.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1).addDims(elements)
                    .setRawData(tensor));
        }
        return TestModels.model(g);
    }

    @Test
    void inputStreamAndBytesVariants() throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.path("mlp.onnx"));
        try (var in = Files.newInputStream(Fixtures.path("mlp.onnx"))) {
            assertThat(OnnxFiles.read(in)).isEqualTo(OnnxFiles.readBytes(bytes));
        }
    }

    @Test
    void badModelFilesGiveStableReasons() throws IOException {
        Path png = dir.resolve("x.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
        assertReason(png, Reason.NOT_PROTOBUF);

        byte[] full = Files.readAllBytes(Fixtures.path("multi_input.onnx"));
        Path truncated = dir.resolve("t.onnx");
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length / 2));
        assertReason(truncated, Reason.TRUNCATED);

        Path noGraph = dir.resolve("n.onnx");
        Files.write(noGraph, OnnxMl.ModelProto.newBuilder().setIrVersion(7).build().toByteArray());
        assertReason(noGraph, Reason.NO_GRAPH);
    }

    private static void assertReason(Path file, Reason reason) {
        assertThatThrownBy(() -> OnnxFiles.read(file)).isInstanceOfSatisfying(InvalidOnnxException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
