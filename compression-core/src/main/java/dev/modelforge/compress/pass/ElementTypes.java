package dev.modelforge.compress.pass;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Element types of every value, without full shape inference: graph inputs, initializers and value
 * infos give the start; per-op rules propagate through the nodes in order. Values whose type cannot
 * be derived are absent (callers treat them as "not float" and never cast them).
 */
public final class ElementTypes {
    private static final Set<String> BOOL_OUT = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "Not", "And", "Or", "Xor", "IsNaN", "IsInf");
    private static final Set<String> INT64_OUT = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin");

    private ElementTypes() {
    }

    /** Infers types for all values of {@code g}. */
    public static Map<String, DataType> infer(Graph g) {
        Map<String, DataType> t = new HashMap<>();
        g.declaredInputs().forEach(v -> put(t, v));
        g.valueInfo().values().forEach(v -> put(t, v));
        for (Tensor w : g.weights()) {
            t.put(w.name(), w.dataType());
        }
        for (Node n : g.nodes()) {
            for (int i = 0; i < n.outputs().size(); i++) {
                String o = n.output(i);
                if (o.isEmpty() || t.containsKey(o)) {
                    continue;
                }
                DataType d = rule(n, i, t);
                if (d != null) {
                    t.put(o, d);
                }
            }
        }
        g.outputs().forEach(v -> put(t, v));
        return t;
    }

    private static void put(Map<String, DataType> t, ValueInfoProto v) {
        if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != 0) {
            t.put(v.getName(), DataType.fromOnnx(v.getType().getTensorType().getElemType()));
        }
    }

    private static DataType rule(Node n, int out, Map<String, DataType> t) {
        String op = n.opType();
        if (!n.domain().isEmpty()) {
            return n.domain().equals(Node.MICROSOFT_DOMAIN) ? t.get(n.input(0)) : null;
        }
        if (BOOL_OUT.contains(op)) {
            return DataType.BOOL;
        }
        if (INT64_OUT.contains(op)) {
            return DataType.INT64;
        }
        switch (op) {
            case "Cast":
                return DataType.fromOnnx((int) n.attrInt("to", 0));
            case "CastLike":
                return t.get(n.input(1));
            case "ConstantOfShape":
                return n.attribute("value").map(a -> DataType.fromOnnx(a.getT().getDataType())).orElse(DataType.FLOAT);
            case "Where":
                return t.get(n.input(1));
            case "QuantizeLinear":
                return n.input(2).isEmpty() ? DataType.UINT8 : t.get(n.input(2));
            case "DequantizeLinear":
                return t.get(n.input(1));
            case "DynamicQuantizeLinear":
                return out == 1 ? DataType.FLOAT : DataType.UINT8;
            case "MatMulInteger", "ConvInteger":
                return DataType.INT32;
            case "OneHot":
                return t.get(n.input(2));
            case "EyeLike", "RandomNormalLike", "RandomUniformLike":
                return n.attribute("dtype").isPresent() ? DataType.fromOnnx((int) n.attrInt("dtype", 1)) : t.get(n.input(0));
            case "RandomNormal", "RandomUniform":
                return DataType.fromOnnx((int) n.attrInt("dtype", 1));
            case "TopK", "MaxPool":
                return out == 1 ? DataType.INT64 : t.get(n.input(0));
            case "Unique":
                return out == 0 ? t.get(n.input(0)) : DataType.INT64;
            case "Dropout":
                return out == 1 ? DataType.BOOL : t.get(n.input(0));
            case "If", "Loop", "Scan":
                return subgraphOutputType(n, out);
            default:
                return firstInputType(n, t);
        }
    }

    private static DataType firstInputType(Node n, Map<String, DataType> t) {
        for (String in : n.inputs()) {
            if (!in.isEmpty() && t.containsKey(in)) {
                return t.get(in);
            }
        }
        return null;
    }

    private static DataType subgraphOutputType(Node n, int out) {
        List<GraphProto> subs = n.subgraphs();
        if (subs.isEmpty()) {
            return null;
        }
        GraphProto body = subs.get(0);
        int idx = n.opType().equals("Loop") ? out + 1 : out;
        if (idx >= body.getOutputCount() || !body.getOutput(idx).getType().hasTensorType()) {
            return null;
        }
        return DataType.fromOnnx(body.getOutput(idx).getType().getTensorType().getElemType());
    }
}
