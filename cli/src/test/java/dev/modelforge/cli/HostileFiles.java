package dev.modelforge.cli;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Files a user could hand the CLI by mistake or on purpose: each is nearly right, with one thing wrong. */
final class HostileFiles {
    static final Path FIXTURES = Path.of("../compression-core/src/test/resources/fixtures");
    static final Path CNN = FIXTURES.resolve("digits_cnn.onnx");

    private HostileFiles() {
    }

    /** y = MatMul(x, w), x float[batch, 2], w float[2, 2]: small, valid, and with a weight to compress. */
    static OnnxMl.ModelProto.Builder matmul(OnnxMl.TensorProto weight) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(OnnxMl.NodeProto.newBuilder().setName("mm").setOpType("MatMul").addInput("x").addInput("w")
                        .addOutput("y"))
                .addInitializer(weight).addInput(value("x")).addOutput(value("y"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("hostile")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g);
    }

    static OnnxMl.TensorProto weight() {
        return OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(2).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
    }

    /** The weight stored "outside" the model, at {@code location}. */
    static OnnxMl.TensorProto externalWeight(String location) {
        return OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(2).addDims(2)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length").setValue("16"))
                .build();
    }

    private static OnnxMl.ValueInfoProto value(String name) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(2));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    static Path write(Path file, OnnxMl.ModelProto.Builder model) {
        return write(file, model.build().toByteArray());
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path truncated(Path file) {
        try {
            byte[] cnn = Files.readAllBytes(CNN);
            return write(file, java.util.Arrays.copyOf(cnn, cnn.length / 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An evaluation set for the digits CNN (input [n, 1, 16, 16], labels) whose first pixel is NaN. */
    static Path nanEval(Path file) {
        float[] pixels = new float[2 * 16 * 16];
        pixels[0] = Float.NaN;
        Npz.write(file, Map.of("input", NdArray.ofFloats(pixels, 2, 1, 16, 16),
                "labels", NdArray.ofLongs(new long[] {1, 2}, 2)));
        return file;
    }

    /** ONNX test data whose one entry climbs out of the archive. */
    static Path climbingZip(Path file) {
        var bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("../test_data_set_0/input_0.pb"));
            z.write(OnnxMl.TensorProto.newBuilder().setName("input").setDataType(1).addDims(1).addDims(2)
                    .addFloatData(1).addFloatData(2).build().toByteArray());
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return write(file, bytes.toByteArray());
    }
}
