package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges two chained elementwise ops with constant operands, {@code Mul(Mul(x, a), b)} into {@code Mul(x, a·b)}
 * and {@code Add(Add(x, a), b)} into {@code Add(x, a+b)}, when the inner result has no other reader, before
 * quantization.
 *
 * <p>Why it matters for int8: every op is one more activation quantizer, i.e. one more rounding of the whole
 * tensor, and one more QLinearMul/QLinearAdd to run. The chain appears wherever an exporter writes a scaling
 * after an op that already ends in a constant product: hard-swish's {@code · (1/6)} (after {@link
 * ConstantDivision}) followed by a learnable scalar scale, as in PP-OCRv4's recogniser (28 such pairs). Merging
 * is exact up to one float rounding of the constant (computed in double).
 */
final class ConstantChains {

    private ConstantChains() {
    }

    /** Merges every eligible pair of {@code graph} in place (graph in topological order); returns how many. */
    static int apply(Graph graph) {
        int merged = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<String, List<Node>> consumers = graph.consumerMap();
            for (Node inner : List.copyOf(graph.nodes())) {
                Optional<Operands> in = operands(graph, inner);
                if (in.isEmpty() || graph.isGraphOutput(inner.output(0))) {
                    continue;
                }
                List<Node> readers = consumers.getOrDefault(inner.output(0), List.of());
                if (readers.size() != 1 || !readers.get(0).is(inner.opType())) {
                    continue;
                }
                Node outer = readers.get(0);
                Optional<Operands> out = operands(graph, outer);
                if (out.isEmpty() || !out.get().activation().equals(inner.output(0))) {
                    continue;
                }
                Optional<Tensor> c = combine(graph, inner.opType(), in.get().constant(), out.get().constant());
                if (c.isEmpty()) {
                    continue;
                }
                graph.putInitializer(c.get());
                Node merged1 = Node.of(outer.name(), outer.opType(), List.of(in.get().activation(), c.get().name()),
                        List.of(outer.output(0)));
                graph.removeValueInfo(inner.output(0));
                graph.replace(outer, List.of(merged1));
                graph.removeNode(inner);
                merged++;
                changed = true;
                break; // the consumer map is stale now
            }
        }
        if (merged > 0) {
            graph.removeUnusedInitializers();
        }
        return merged;
    }

    /** The activation and the constant operand of a default-domain Mul/Add with exactly one float constant. */
    private record Operands(String activation, Tensor constant) {
    }

    private static Optional<Operands> operands(Graph graph, Node n) {
        if (!(n.is("Mul") || n.is("Add")) || !n.domain().isEmpty() || n.inputs().size() != 2
                || n.outputs().size() != 1) {
            return Optional.empty();
        }
        Optional<Tensor> c0 = graph.floatInitializer(n.input(0));
        Optional<Tensor> c1 = graph.floatInitializer(n.input(1));
        if (c0.isPresent() == c1.isPresent()) {
            return Optional.empty(); // two activations, or a constant op ORT folds itself
        }
        return c1.isPresent() ? Optional.of(new Operands(n.input(0), c1.get()))
                : Optional.of(new Operands(n.input(1), c0.get()));
    }

    /**
     * a·b or a+b when one of them is a single value (the result keeps the other's shape, or the higher rank when
     * both are single values, so the broadcast output shape is unchanged) or both have the same shape.
     */
    private static Optional<Tensor> combine(Graph graph, String op, Tensor a, Tensor b) {
        float[] x = a.floats();
        float[] y = b.floats();
        long[] shape;
        if (x.length == 1 && y.length == 1) {
            shape = a.rank() >= b.rank() ? a.shape() : b.shape();
        } else if (x.length == 1) {
            shape = b.shape();
        } else if (y.length == 1) {
            shape = a.shape();
        } else if (Arrays.equals(a.shape(), b.shape())) {
            shape = a.shape();
        } else {
            return Optional.empty();
        }
        int n = Math.max(x.length, y.length);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double p = x[x.length == 1 ? 0 : i];
            double q = y[y.length == 1 ? 0 : i];
            double r = op.equals("Mul") ? p * q : p + q;
            if (!Double.isFinite(r) || (op.equals("Mul") && r == 0 && p != 0 && q != 0)) {
                return Optional.empty(); // overflow or underflow would change the product's meaning
            }
            v[i] = (float) r;
        }
        String name = graph.uniqueName(a.name() + "_" + op.toLowerCase(java.util.Locale.ROOT) + "_merged");
        return Optional.of(Tensor.ofFloats(name, shape, v));
    }

}
