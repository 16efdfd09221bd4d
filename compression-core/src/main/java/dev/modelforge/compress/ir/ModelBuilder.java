package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.List;

/**
 * Builds small models in code: tests, benchmarks and generated fixtures. Dimensions given as
 * {@code -1} become the symbolic batch dimension {@code "N"}.
 */
public final class ModelBuilder {
    private final Model model;
    private int counter;

    private ModelBuilder(Model model) {
        this.model = model;
    }

    /** Starts a model with IR version 8 and the given default-domain opset. */
    public static ModelBuilder create(String graphName, long opset) {
        return new ModelBuilder(Model.create(graphName, 8, opset));
    }

    /** Declares a graph input. */
    public ModelBuilder input(String name, DataType type, long... dims) {
        model.graph().addDeclaredInput(valueInfo(name, type, dims));
        return this;
    }

    /** Declares a graph output. */
    public ModelBuilder output(String name, DataType type, long... dims) {
        addOutput(valueInfo(name, type, dims));
        return this;
    }

    private void addOutput(ValueInfoProto v) {
        model.graph().appendOutput(v);
    }

    public ModelBuilder initializer(Tensor t) {
        model.graph().putInitializer(t);
        return this;
    }

    /** Adds a default-domain node named {@code <op>_<k>}; returns it for attributes. */
    public Node node(String op, List<String> inputs, List<String> outputs) {
        return model.graph().addNode(Node.of(op + "_" + counter++, op, inputs, outputs));
    }

    /** Adds a node in another domain (imports the domain at version 1 if needed). */
    public Node node(String domain, String op, List<String> inputs, List<String> outputs) {
        if (!domain.isEmpty() && model.opset(domain).isEmpty()) {
            model.setOpset(domain, 1);
        }
        return model.graph().addNode(new Node(op + "_" + counter++, op, domain, inputs, outputs));
    }

    public Model build() {
        return model;
    }

    /** A tensor value info; {@code -1} dims become {@code "N"}. */
    public static ValueInfoProto valueInfo(String name, DataType type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode()).setShape(s))).build();
    }
}
