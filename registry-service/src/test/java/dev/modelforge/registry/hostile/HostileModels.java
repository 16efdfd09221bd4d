package dev.modelforge.registry.hostile;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.util.function.UnaryOperator;

/** Models built to be refused: each is a valid y = Relu(x) with one thing broken. */
final class HostileModels {
    private HostileModels() {
    }

    /** y = Relu(x), x and y float[batch, 2]. */
    static OnnxMl.ModelProto.Builder relu() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(node("relu", "Relu", "y", "x"))
                .addInput(value("x", 2)).addOutput(value("y", 2));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("hostile")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g);
    }

    static byte[] graph(UnaryOperator<OnnxMl.GraphProto.Builder> edit) {
        OnnxMl.ModelProto.Builder m = relu();
        m.setGraph(edit.apply(m.getGraph().toBuilder()));
        return m.build().toByteArray();
    }

    static byte[] model(UnaryOperator<OnnxMl.ModelProto.Builder> edit) {
        return edit.apply(relu()).build().toByteArray();
    }

    /** Adds initializer {@code t} and a node reading it, so the graph stays well-formed but for {@code t}. */
    static byte[] withInitializer(OnnxMl.TensorProto t) {
        return graph(g -> g.addInitializer(t).addNode(node("use", "Identity", "w_copy", t.getName())));
    }

    static OnnxMl.TensorProto external(String location) {
        return OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .build();
    }

    static OnnxMl.TensorProto floats(String name, int values, long... dims) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(ByteString.copyFrom(new byte[values * 4]));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static OnnxMl.NodeProto node(String name, String op, String output, String... inputs) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setName(name).setOpType(op).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        return n.build();
    }

    /** float[batch, dims...]. */
    static OnnxMl.ValueInfoProto value(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }
}
