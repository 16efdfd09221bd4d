package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which values of a graph are float32, by forward propagation of element types.
 *
 * <p>Calibration can only expose float tensors, and Q/DQ only makes sense on them, so the planner
 * asks here before touching a value. Declared types (inputs, value_info, initializers) win; other
 * node outputs follow the op: index/shape/comparison ops produce integers or booleans, {@code Cast}
 * its {@code to}, and the rest keep their data input's type. Unknown stays unknown (not float).
 */
final class FloatTensors {

    private static final Set<String> INT64_OUT = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "NonMaxSuppression");
    private static final Set<String> BOOL_OUT = Set.of("Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf");

    private final Map<String, Integer> types = new HashMap<>();

    private FloatTensors() {
    }

    static FloatTensors of(Graph graph) {
        FloatTensors f = new FloatTensors();
        for (ValueInfoProto v : graph.declaredInputs()) {
            f.declare(v);
        }
        graph.valueInfo().values().forEach(f::declare);
        graph.outputs().forEach(f::declare);
        graph.initializers().forEach((name, t) -> f.types.put(name, t.dataType().onnxCode()));
        for (Node n : graph.nodes()) {
            for (int i = 0; i < n.outputs().size(); i++) {
                String out = n.output(i);
                if (!out.isEmpty() && !f.types.containsKey(out)) {
                    Integer t = f.infer(n, i);
                    if (t != null) {
                        f.types.put(out, t);
                    }
                }
            }
        }
        return f;
    }

    private void declare(ValueInfoProto v) {
        if (v.hasType() && v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != 0) {
            types.put(v.getName(), v.getType().getTensorType().getElemType());
        }
    }

    private Integer infer(Node n, int outputIndex) {
        if (!n.domain().isEmpty()) {
            return null;
        }
        String op = n.opType();
        if (INT64_OUT.contains(op) || (op.equals("TopK") && outputIndex == 1)
                || (op.equals("MaxPool") && outputIndex == 1)) {
            return DataType.INT64.onnxCode();
        }
        if (BOOL_OUT.contains(op)) {
            return DataType.BOOL.onnxCode();
        }
        if (op.equals("Cast")) {
            return (int) n.attrInt("to", 0);
        }
        if (op.equals("QuantizeLinear") || op.equals("DynamicQuantizeLinear")) {
            return null;
        }
        if (op.equals("DequantizeLinear")) {
            return DataType.FLOAT.onnxCode();
        }
        if (op.equals("ConstantOfShape")) {
            return n.attribute("value").map(a -> a.getT().getDataType()).orElse(DataType.FLOAT.onnxCode());
        }
        if (op.equals("Constant")) {
            return n.attribute("value").filter(a -> a.hasT()).map(a -> a.getT().getDataType()).orElse(null);
        }
        int dataInput = op.equals("Where") ? 1 : 0;
        return types.get(n.input(dataInput));
    }

    /** Whether {@code value} is known to be float32. */
    boolean isFloat(String value) {
        Integer t = types.get(value);
        return t != null && t == DataType.FLOAT.onnxCode();
    }
}
