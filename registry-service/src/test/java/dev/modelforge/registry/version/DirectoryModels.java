package dev.modelforge.registry.version;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.modelforge.onnx.OnnxFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Model directories for upload tests: a MatMul whose weight lives in {@code model.onnx.data}, and tars of them. */
final class DirectoryModels {
    static final String WEIGHT = "W";
    static final String DATA_FILE = "model.onnx.data";

    private DirectoryModels() {
    }

    /** Y = X · W with W [rows, cols] float, written by the project's writer with W as external data. */
    static Path write(Path dir, int rows, int cols) {
        try {
            Files.createDirectories(dir);
            OnnxFiles.writeWithExternalData(model(rows, cols), null, dir.resolve("model.onnx"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OnnxMl.ModelProto model(int rows, int cols) {
        ByteBuffer w = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            w.putFloat((float) Math.sin(i * 0.37) * 0.1f);
        }
        var graph = OnnxMl.GraphProto.newBuilder().setName("dir-matmul")
                .addInput(value("X", 1, rows)).addOutput(value("Y", 1, cols))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName(WEIGHT).addDims(rows).addDims(cols)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(w.array())))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("X")
                        .addInput(WEIGHT).addOutput("Y"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("modelforge-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(graph).build();
    }

    /** The same model with its external reference pointing at {@code location}. */
    static void relocate(Path dir, String location) {
        Path file = dir.resolve("model.onnx");
        OnnxMl.ModelProto m;
        try {
            m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file)); // as is: the reader would refuse bad locations
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var g = m.getGraph().toBuilder();
        var t = g.getInitializer(0).toBuilder();
        for (int i = 0; i < t.getExternalDataCount(); i++) {
            if (t.getExternalData(i).getKey().equals("location")) {
                t.setExternalData(i, t.getExternalData(i).toBuilder().setValue(location));
            }
        }
        g.setInitializer(0, t);
        OnnxFiles.write(m.toBuilder().setGraph(g).build(), file);
    }

    static OnnxMl.ValueInfoProto value(String name, long... dims) {
        var shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** The regular files under {@code dir}, by relative path. */
    static Map<String, byte[]> files(Path dir) {
        Map<String, byte[]> files = new TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** A tar of {@code entries} (path → bytes), in the given order. */
    static byte[] tar(Map<String, byte[]> entries) {
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : entries.entrySet()) {
                var entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
