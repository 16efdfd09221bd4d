package dev.modelforge.worker.benchmark.measure;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Tiny ONNX graphs built in Java for engine tests (no fixtures needed). */
final class TinyModels {

    private TinyModels() {
    }

    /** Y[batch,3] = X[batch,4] · W[4,3] + B[3]. */
    static Path matMulAdd(Path dir, String name, float[] w, float[] b) throws IOException {
        GraphProto g = GraphProto.newBuilder().setName(name)
                .addInput(value("X", "batch", 4))
                .addOutput(value("Y", "batch", 3))
                .addInitializer(tensor("W", w, 4, 3))
                .addInitializer(tensor("B", b, 3))
                .addNode(node("MatMul", "", new String[] {"X", "W"}, "XW"))
                .addNode(node("Add", "", new String[] {"XW", "B"}, "Y"))
                .build();
        return write(dir, name, model(g, null));
    }

    /** Y[batch,2,3,3] = Conv(X[batch,1,5,5], W[2,1,3,3], B[2]). */
    static Path conv(Path dir, String name) throws IOException {
        float[] w = new float[18];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5 - 2) * 0.1f;
        }
        GraphProto g = GraphProto.newBuilder().setName(name)
                .addInput(value("X", "batch", 1, 5, 5))
                .addOutput(value("Y", "batch", 2, 3, 3))
                .addInitializer(tensor("W", w, 2, 1, 3, 3))
                .addInitializer(tensor("B", new float[] {0.5f, -0.5f}, 2))
                .addNode(node("Conv", "", new String[] {"X", "W", "B"}, "Y"))
                .build();
        return write(dir, name, model(g, null));
    }

    /** A graph whose only node is an operator no runtime has, in a made-up domain. */
    static Path unknownOp(Path dir, String name) throws IOException {
        GraphProto g = GraphProto.newBuilder().setName(name)
                .addInput(value("X", "batch", 4))
                .addOutput(value("Y", "batch", 4))
                .addNode(node("Frobnicate", "dev.modelforge.madeup", new String[] {"X"}, "Y"))
                .build();
        return write(dir, name, model(g, "dev.modelforge.madeup"));
    }

    /** matMulAdd whose W lives in an external file at {@code location} (which may point anywhere). */
    static Path externalWeights(Path dir, String name, String location) throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(4).addDims(3).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length").setValue("48"))
                .build();
        GraphProto g = GraphProto.newBuilder().setName(name)
                .addInput(value("X", "batch", 4))
                .addOutput(value("Y", "batch", 3))
                .addInitializer(w)
                .addInitializer(tensor("B", new float[3], 3))
                .addNode(node("MatMul", "", new String[] {"X", "W"}, "XW"))
                .addNode(node("Add", "", new String[] {"XW", "B"}, "Y"))
                .build();
        return write(dir, name, model(g, null));
    }

    /** The first half of a valid model's bytes. */
    static Path truncated(Path dir, String name) throws IOException {
        Path ok = matMulAdd(dir, name + "_full", new float[12], new float[3]);
        byte[] bytes = Files.readAllBytes(ok);
        Path p = dir.resolve(name + ".onnx");
        Files.write(p, Arrays.copyOf(bytes, bytes.length / 2));
        return p;
    }

    private static ModelProto model(GraphProto g, String extraDomain) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("modelforge-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g);
        if (extraDomain != null) {
            m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(extraDomain).setVersion(1));
        }
        return m.build();
    }

    private static Path write(Path dir, String name, ModelProto m) throws IOException {
        Path p = dir.resolve(name + ".onnx");
        Files.write(p, m.toByteArray());
        return p;
    }

    private static NodeProto node(String op, String domain, String[] in, String out) {
        return NodeProto.newBuilder().setOpType(op).setDomain(domain).setName(op + "_" + out)
                .addAllInput(Arrays.asList(in)).addOutput(out).build();
    }

    private static TensorProto tensor(String name, float[] v, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        for (float f : v) {
            t.addFloatData(f);
        }
        return t.build();
    }

    private static ValueInfoProto value(String name, String batchParam, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batchParam));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape))).build();
    }
}
