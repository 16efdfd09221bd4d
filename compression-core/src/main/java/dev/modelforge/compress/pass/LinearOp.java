package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.Set;

/**
 * A MatMul or Gemm whose right-hand side is a constant 2-D float weight: the shape every weight
 * quantization pass works on. {@link #match} says why a node does not qualify, for the report.
 *
 * @param node       the MatMul/Gemm node
 * @param activation the runtime (left) input
 * @param weight     the weight initializer as stored
 * @param transposed true when the stored weight is [N, K] (Gemm transB=1)
 * @param bias       Gemm's C input, or {@code ""}
 * @param k          reduction dimension
 * @param n          output columns
 */
public record LinearOp(Node node, String activation, Tensor weight, boolean transposed, String bias, int k, int n) {

    /** Either a match or the reason there is none. */
    public record Match(LinearOp op, String reason) {
    }

    /** Checks whether {@code node} is a weight-carrying MatMul/Gemm this family of passes handles. */
    public static Match match(Graph g, Node node) {
        boolean gemm = node.is("Gemm");
        if (!node.is("MatMul") && !gemm) {
            return new Match(null, "not a MatMul/Gemm");
        }
        String w = node.input(1);
        Tensor t = g.initializer(w).orElse(null);
        if (t == null) {
            return new Match(null, "right-hand input " + w + " is not a constant weight (activation x activation)");
        }
        if (t.dataType() != DataType.FLOAT) {
            return new Match(null, "weight " + w + " is " + t.dataType() + ", not float32");
        }
        if (t.rank() != 2) {
            return new Match(null, "weight " + w + " has rank " + t.rank() + " (only 2-D weights are supported)");
        }
        if (g.isInitializer(node.input(0))) {
            return new Match(null, "left-hand input is constant too (constant folding, not quantization, applies)");
        }
        boolean transposed = false;
        String bias = "";
        if (gemm) {
            if (node.attrInt("transA", 0) != 0) {
                return new Match(null, "Gemm with transA=1 is not supported");
            }
            if (node.attrFloat("alpha", 1f) != 1f) {
                return new Match(null, "Gemm with alpha != 1 is not supported");
            }
            transposed = node.attrInt("transB", 0) != 0;
            bias = node.input(2);
            if (!bias.isEmpty()) {
                if (node.attrFloat("beta", 1f) != 1f) {
                    return new Match(null, "Gemm with beta != 1 is not supported");
                }
                Tensor c = g.initializer(bias).orElse(null);
                if (c == null || c.dataType() != DataType.FLOAT || c.rank() > 1) {
                    return new Match(null, "Gemm bias " + bias + " is not a constant 1-D float vector");
                }
            }
        }
        int k = (int) (transposed ? t.dim(1) : t.dim(0));
        int n = (int) (transposed ? t.dim(0) : t.dim(1));
        return new Match(new LinearOp(node, node.input(0), t, transposed, bias, k, n), null);
    }

    /** The weight as a row-major [K, N] array (transposing a Gemm transB=1 weight). */
    public float[] weightKN() {
        float[] raw = weight.floats();
        if (!transposed) {
            return raw;
        }
        float[] out = new float[raw.length];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < k; c++) {
                out[c * n + r] = raw[r * k + c];
            }
        }
        return out;
    }

    /** The weight as a row-major [N, K] array (each row one output column of W). */
    public float[] weightNK() {
        float[] raw = weight.floats();
        if (transposed) {
            return raw;
        }
        float[] out = new float[raw.length];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                out[c * k + r] = raw[r * n + c];
            }
        }
        return out;
    }

    /**
     * The MatMul/Gemm a weight pass may rewrite, or null after reporting why not: excluded by name, a shape the
     * pass cannot follow, or a weight below {@code minWeightElements} (not worth the extra nodes).
     */
    public static LinearOp eligible(Graph g, Node node, String display, Set<String> excluded, long minWeightElements,
                                    PassReport.Builder report) {
        if (excluded.contains(node.name())) {
            report.node(NodeReport.untouched(display, node.opType(), NodeAction.SKIPPED, "excluded by excludeNodes"));
            return null;
        }
        Match m = match(g, node);
        if (m.op() == null) {
            report.node(NodeReport.untouched(display, node.opType(), NodeAction.SKIPPED, m.reason()));
            return null;
        }
        if (m.op().weight().elementCount() < minWeightElements) {
            report.node(NodeReport.untouched(display, node.opType(), NodeAction.SKIPPED,
                    "weight has " + m.op().weight().elementCount() + " elements, below minWeightElements"));
            return null;
        }
        return m.op();
    }

    /** A report name for the node (synthesised when the model left it empty). */
    public static String displayName(Node n, int index) {
        return n.name().isEmpty() ? n.opType() + "#" + index : n.name();
    }
}
