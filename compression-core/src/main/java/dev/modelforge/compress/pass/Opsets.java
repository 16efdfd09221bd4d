package dev.modelforge.compress.pass;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opset requirements of passes. Raising the default-domain opset is done only when every op in the
 * graph keeps its meaning across the versions crossed; an op whose schema changed in between (or
 * that this table does not know) makes the upgrade refuse with the op's name. This is deliberately
 * conservative: a refused model is recoverable, a silently re-interpreted one is not.
 */
public final class Opsets {
    /**
     * Ops whose inference semantics or input layout changed at the listed default-domain versions
     * (attribute → input moves, axis-semantics changes). Ops listed with no versions are known to
     * keep their meaning from opset 7 on (only type additions).
     */
    private static final Map<String, List<Integer>> BREAKING = Map.ofEntries(
            Map.entry("Softmax", List.of(13)), Map.entry("LogSoftmax", List.of(13)), Map.entry("Hardmax", List.of(13)),
            Map.entry("Split", List.of(13, 18)), Map.entry("Squeeze", List.of(13)), Map.entry("Unsqueeze", List.of(13)),
            Map.entry("ReduceSum", List.of(13)), Map.entry("ReduceMean", List.of(18)), Map.entry("ReduceMax", List.of(18)),
            Map.entry("ReduceMin", List.of(18)), Map.entry("ReduceProd", List.of(18)), Map.entry("ReduceL2", List.of(18)),
            Map.entry("Clip", List.of(11)), Map.entry("Pad", List.of(11)), Map.entry("Resize", List.of(11, 13)),
            Map.entry("Upsample", List.of(9, 10)), Map.entry("TopK", List.of(10)), Map.entry("Slice", List.of(10)),
            Map.entry("Dropout", List.of(12)), Map.entry("Scan", List.of(9, 11)), Map.entry("Loop", List.of(11, 13)),
            Map.entry("If", List.of(11, 13)), Map.entry("BatchNormalization", List.of(9, 14)),
            Map.entry("Add", List.of()), Map.entry("Sub", List.of()), Map.entry("Mul", List.of()), Map.entry("Div", List.of()),
            Map.entry("MatMul", List.of()), Map.entry("Gemm", List.of()), Map.entry("Conv", List.of()),
            Map.entry("Relu", List.of()), Map.entry("Sigmoid", List.of()), Map.entry("Tanh", List.of()),
            Map.entry("Gather", List.of()), Map.entry("Reshape", List.of()), Map.entry("Transpose", List.of()),
            Map.entry("Concat", List.of()), Map.entry("Flatten", List.of()), Map.entry("MaxPool", List.of()),
            Map.entry("AveragePool", List.of()), Map.entry("GlobalAveragePool", List.of()), Map.entry("Identity", List.of()),
            Map.entry("Cast", List.of()), Map.entry("Shape", List.of()), Map.entry("Erf", List.of()), Map.entry("Sqrt", List.of()),
            Map.entry("Pow", List.of()), Map.entry("Where", List.of()), Map.entry("Equal", List.of()), Map.entry("Less", List.of()),
            Map.entry("Greater", List.of()), Map.entry("Exp", List.of()), Map.entry("Log", List.of()), Map.entry("Neg", List.of()),
            Map.entry("Abs", List.of()), Map.entry("LeakyRelu", List.of()), Map.entry("Constant", List.of()),
            Map.entry("ConstantOfShape", List.of()), Map.entry("Expand", List.of()), Map.entry("Range", List.of()),
            Map.entry("Tile", List.of()), Map.entry("Not", List.of()), Map.entry("And", List.of()), Map.entry("Or", List.of()),
            Map.entry("Min", List.of()), Map.entry("Max", List.of()), Map.entry("Sum", List.of()), Map.entry("Mean", List.of()),
            Map.entry("ArgMax", List.of()), Map.entry("ArgMin", List.of()), Map.entry("GlobalMaxPool", List.of()),
            Map.entry("LRN", List.of()), Map.entry("PRelu", List.of()), Map.entry("Elu", List.of()), Map.entry("Selu", List.of()),
            Map.entry("HardSigmoid", List.of()), Map.entry("Softplus", List.of()), Map.entry("Reciprocal", List.of()),
            Map.entry("Floor", List.of()), Map.entry("Ceil", List.of()), Map.entry("Round", List.of()),
            Map.entry("QuantizeLinear", List.of()), Map.entry("DequantizeLinear", List.of()),
            Map.entry("DynamicQuantizeLinear", List.of()), Map.entry("MatMulInteger", List.of()),
            Map.entry("ConvTranspose", List.of()), Map.entry("InstanceNormalization", List.of()),
            Map.entry("Einsum", List.of()), Map.entry("GatherElements", List.of()), Map.entry("ScatterND", List.of()),
            Map.entry("NonZero", List.of()), Map.entry("Size", List.of()), Map.entry("DepthToSpace", List.of()),
            Map.entry("SpaceToDepth", List.of()), Map.entry("CumSum", List.of()), Map.entry("Sin", List.of()),
            Map.entry("Cos", List.of()), Map.entry("OneHot", List.of()), Map.entry("IsNaN", List.of()));

    private Opsets() {
    }

    /**
     * Makes sure the default-domain opset is at least {@code min}, upgrading when every op keeps its meaning:
     * ops whose schema did not change in between are left alone, ops that changed are rewritten by
     * {@link OpUpgrades} (attributes → inputs, Softmax's axis semantics, Resize/Upsample), and anything else
     * (an op not in the table, a changed op inside a subgraph, a converter that cannot keep the meaning of this
     * particular node) refuses with the op's name.
     *
     * @return a note for the report when the opset was raised
     * @throws PassException naming the op(s) that make the upgrade unsafe
     */
    public static Optional<String> requireDefault(Model m, long min, String pass) throws PassException {
        long current = m.defaultOpset();
        if (current >= min) {
            return Optional.empty();
        }
        if (current < 7) {
            throw new PassException(pass, "needs opset >= " + min + " but the model uses opset " + current
                    + "; re-export it with a newer opset");
        }
        Set<String> blockers = new TreeSet<>();
        List<Node> toConvert = new java.util.ArrayList<>();
        for (Node n : m.graph().nodes()) {
            if (n.domain().isEmpty() && changes(n.opType(), current, min)) {
                if (!OpUpgrades.handles(n.opType())) {
                    blockers.add(n.opType() + " (changed in opset " + crossed(n.opType(), current, min) + ")");
                } else {
                    OpUpgrades.blocker(n, m.graph(), current, min).ifPresentOrElse(
                            why -> blockers.add(n.opType() + " (" + why + ")"), () -> toConvert.add(n));
                }
            } else if (n.domain().isEmpty()) {
                checkOp(n.opType(), current, min, blockers);
            }
            n.subgraphs().forEach(g -> checkSub(g, current, min, blockers));
        }
        if (!blockers.isEmpty()) {
            throw new PassException(pass, "needs opset >= " + min + " but the model uses opset " + current
                    + " and upgrading is not known to be safe for " + blockers + "; re-export with opset >= " + min);
        }
        Map<String, Integer> converted = new java.util.TreeMap<>();
        for (Node n : toConvert) {
            converted.merge(n.opType(), 1, Integer::sum);
            OpUpgrades.apply(n, m.graph(), current, min);
        }
        m.setOpset(Node.DEFAULT_DOMAIN, min);
        if (m.irVersion() < 7 && min >= 13) {
            m.setIrVersion(7);
        }
        return Optional.of("default opset raised from " + current + " to " + min
                + (converted.isEmpty() ? " (every op in the graph keeps its meaning across these versions)"
                : "; rewritten to keep their meaning: " + converted + " (every other op is unchanged across these "
                + "versions)"));
    }

    /** Whether {@code op} is in the table and changed in a version in (from, to]. */
    private static boolean changes(String op, long from, long to) {
        List<Integer> breaks = BREAKING.get(op);
        return breaks != null && breaks.stream().anyMatch(v -> v > from && v <= to);
    }

    private static String crossed(String op, long from, long to) {
        return String.join(", ", BREAKING.get(op).stream().filter(v -> v > from && v <= to).map(String::valueOf)
                .toList());
    }

    /** Imports {@code domain} at {@code version} unless already imported (contrib ops). */
    public static void requireDomain(Model m, String domain, long version) {
        if (m.opset(domain).isEmpty()) {
            m.setOpset(domain, version);
        }
    }

    private static void checkSub(GraphProto g, long from, long to, Set<String> blockers) {
        for (NodeProto n : g.getNodeList()) {
            if (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")) {
                checkOp(n.getOpType(), from, to, blockers);
            }
            n.getAttributeList().forEach(a -> {
                if (a.hasG()) {
                    checkSub(a.getG(), from, to, blockers);
                }
                a.getGraphsList().forEach(s -> checkSub(s, from, to, blockers));
            });
        }
    }

    private static void checkOp(String op, long from, long to, Set<String> blockers) {
        List<Integer> breaks = BREAKING.get(op);
        if (breaks == null) {
            blockers.add(op + " (not in the upgrade table)");
            return;
        }
        for (int v : breaks) {
            if (v > from && v <= to) {
                blockers.add(op + " (changed in opset " + v + ")");
            }
        }
    }
}
