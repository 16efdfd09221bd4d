package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shows from how a tensor is computed that it is ≥ 0 everywhere, so that a Relu in front of its QuantizeLinear is a
 * no-op (the MaxPool guard of {@link QdqPlanner}). Sources: Relu, Sigmoid, HardSigmoid, Softplus, Softmax, Abs, Exp,
 * Sqrt, Clip with min ≥ 0 (Relu6), a constant with no negative element, and {@code Max} with any non-negative input
 * ({@code Max(LeakyRelu(x), c ≥ 0)}, as tf2onnx writes clamps); ops that keep the sign of non-negative inputs (Add,
 * Mul, Div, Min, Concat, pooling, data movement) when all their inputs are. Anything else: not shown.
 */
final class NonNegative {
    private static final int MAX_DEPTH = 8;
    private static final Set<String> ALWAYS = Set.of("Relu", "Sigmoid", "HardSigmoid", "Softplus", "Softmax", "Abs",
            "Exp", "Sqrt");
    private static final Set<String> FIRST_INPUT_KEEPS = Set.of("MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Slice", "Identity", "Resize");
    private static final Set<String> ALL_INPUTS_KEEP = Set.of("Add", "Mul", "Div", "Min", "Concat");

    private final Graph graph;
    private final Map<String, Node> producers;

    NonNegative(Graph graph, Map<String, Node> producers) {
        this.graph = graph;
        this.producers = producers;
    }

    /** Why {@code value} cannot be negative (e.g. {@code "Max(LeakyRelu, constant ≥ 0)"}), or empty. */
    Optional<String> why(String value) {
        return why(value, MAX_DEPTH);
    }

    private Optional<String> why(String value, int depth) {
        if (value.isEmpty() || depth == 0) {
            return Optional.empty();
        }
        if (graph.isInitializer(value)) {
            return graph.floatInitializer(value).filter(t -> {
                for (float f : t.floats()) {
                    if (!(f >= 0)) {
                        return false;
                    }
                }
                return true;
            }).map(t -> "constant ≥ 0");
        }
        Node p = producers.get(value);
        if (p == null || !p.domain().isEmpty()) {
            return Optional.empty();
        }
        String op = p.opType();
        if (ALWAYS.contains(op)) {
            return Optional.of(op);
        }
        if (op.equals("Clip")) {
            Optional<String> min = p.inputs().size() > 1 ? why(p.input(1), 1) : Optional.empty();
            return min.map(m -> "Clip(min ≥ 0)");
        }
        if (op.equals("Max")) {
            for (String in : p.inputs()) {
                Optional<String> w = why(in, depth - 1);
                if (w.isPresent()) {
                    return Optional.of("Max(…, " + w.get() + ")");
                }
            }
            return Optional.empty();
        }
        if (FIRST_INPUT_KEEPS.contains(op)) {
            return why(p.input(0), depth - 1).map(w -> w + " → " + op);
        }
        if (ALL_INPUTS_KEEP.contains(op)) {
            String first = null;
            for (String in : p.inputs()) {
                Optional<String> w = why(in, depth - 1);
                if (w.isEmpty()) {
                    return Optional.empty();
                }
                first = first == null ? w.get() : first;
            }
            return Optional.ofNullable(first).map(w -> op + "(" + w + ", …)");
        }
        return Optional.empty();
    }
}
