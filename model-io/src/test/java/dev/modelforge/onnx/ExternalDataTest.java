package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalDataTest {

    @TempDir
    Path dir;

    /** external.onnx copied into a temp dir with its first tensor's location replaced. */
    private Path modelWithLocation(String location) throws IOException {
        Files.copy(Fixtures.path("external.onnx.data"), dir.resolve("external.onnx.data"));
        OnnxMl.ModelProto m = OnnxFiles.read(Fixtures.path("external.onnx"));
        OnnxMl.TensorProto t = m.getGraph().getInitializer(0);
        OnnxMl.TensorProto.Builder tb = t.toBuilder().clearExternalData();
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            tb.addExternalData(e.getKey().equals("location") ? e.toBuilder().setValue(location).build() : e);
        }
        OnnxMl.ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, tb)).build();
        Path file = dir.resolve("model.onnx");
        Files.write(file, bad.toByteArray());
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "a/../../x", "..\\..\\windows\\win.ini",
            "C:/x.bin", "~/x", "ok/../..", "a\0b"})
    void pathTraversalIsRejected(String location) throws IOException {
        Path file = modelWithLocation(location);

        assertThatThrownBy(() -> OnnxFiles.read(file))
                .isInstanceOfSatisfying(InvalidOnnxException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_EXTERNAL_DATA))
                .hasMessageContaining("rejected").hasMessageContaining("relative path inside");
        byte[] bytes = Files.readAllBytes(file);
        assertThatThrownBy(() -> OnnxFiles.readBytes(bytes)).isInstanceOf(InvalidOnnxException.class);
    }

    @Test
    void symlinkPointingOutsideIsRejected() throws IOException {
        Path outside = Files.createTempFile("outside", ".bin");
        try {
            Files.write(outside, new byte[64]);
            Path file = modelWithLocation("link.bin");
            Files.createSymbolicLink(dir.resolve("link.bin"), outside);

            assertThatThrownBy(() -> OnnxFiles.read(file)).isInstanceOf(InvalidOnnxException.class)
                    .hasMessageContaining("outside the model's directory");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void subdirectoryLocationIsAllowed() throws IOException {
        Path file = modelWithLocation("weights/external.onnx.data");
        Files.createDirectory(dir.resolve("weights"));
        Files.copy(Fixtures.path("external.onnx.data"), dir.resolve("weights/external.onnx.data"));

        OnnxMl.ModelProto m = OnnxFiles.read(file);

        assertThat(TensorData.of(m.getGraph().getInitializer(0), dir).bytes().remaining()).isEqualTo(48);
    }

    @Test
    void missingSideFileIsReported() throws IOException {
        Path file = modelWithLocation("absent.data");
        assertThatThrownBy(() -> OnnxFiles.read(file)).isInstanceOf(InvalidOnnxException.class)
                .hasMessageContaining("absent.data").hasMessageContaining("does not exist");
    }

    @Test
    void rangeBeyondSideFileIsReported() throws IOException {
        Files.copy(Fixtures.path("external.onnx.data"), dir.resolve("external.onnx.data"));
        OnnxMl.ModelProto m = OnnxFiles.read(Fixtures.path("external.onnx"));
        OnnxMl.TensorProto t = m.getGraph().getInitializer(0).toBuilder().clearExternalData()
                .addExternalData(entry("location", "external.onnx.data"))
                .addExternalData(entry("offset", "40")).build();
        Path file = dir.resolve("m.onnx");
        Files.write(file, m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, t)).build().toByteArray());

        assertThatThrownBy(() -> OnnxFiles.read(file))
                .isInstanceOfSatisfying(InvalidOnnxException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_EXTERNAL_DATA))
                .hasMessageContaining("[40, 88)").hasMessageContaining("60 bytes");
    }

    @Test
    void malformedOffsetIsReported() {
        OnnxMl.TensorProto t = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "w.bin")).addExternalData(entry("offset", "-5")).build();
        assertThatThrownBy(() -> ExternalData.ref(t)).hasMessageContaining("offset").hasMessageContaining("-5");
    }

    @Test
    void externalTensorOfInMemoryModelNeedsADirectory() {
        OnnxMl.TensorProto t = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "w.bin")).build();
        assertThatThrownBy(() -> TensorData.of(t, null).bytes()).hasMessageContaining("not read from a file");
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
