package dev.modelforge.compress.pass;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites one node written for an older default-domain opset into the form a newer opset gives the same
 * meaning, op by op, as ONNX's own version converter does: attributes that became inputs (Clip 11, Slice 10,
 * TopK 10, Pad 11, Squeeze/Unsqueeze/ReduceSum/Split 13, ReduceMean… 18) become constant initializers;
 * Softmax/LogSoftmax/Hardmax before 13 (which flattened the input to 2-D at {@code axis}) keep that exact
 * meaning through {@code Shape → Flatten → op(axis=-1) → Reshape} unless the axis is known to be the last one;
 * Resize 10 and Upsample become Resize with the coordinate mapping and nearest rounding ONNX Runtime used for
 * the old op. Each converter first says whether it can keep the meaning ({@link #blocker}); the caller converts
 * only when every node can.
 */
final class OpUpgrades {
    /** Converts a node from opset {@code from} to {@code to} (from &lt; a version in which the op changed ≤ to). */
    interface Upgrade {
        Optional<String> blocker(Node n, Graph g, long from, long to);

        void apply(Node n, Graph g, long from, long to);
    }

    private static final Map<String, Upgrade> BY_OP = Map.ofEntries(
            Map.entry("Clip", simple((n, g, from, to) -> clip(n, g))),
            Map.entry("Slice", simple((n, g, from, to) -> attrsToInputs(n, g, List.of("starts", "ends", "axes")))),
            Map.entry("TopK", simple((n, g, from, to) -> topK(n, g))),
            Map.entry("Pad", new PadUpgrade()),
            Map.entry("Squeeze", simple((n, g, from, to) -> attrsToInputs(n, g, List.of("axes")))),
            Map.entry("Unsqueeze", simple((n, g, from, to) -> attrsToInputs(n, g, List.of("axes")))),
            Map.entry("ReduceSum", simple((n, g, from, to) -> attrsToInputs(n, g, List.of("axes")))),
            Map.entry("ReduceMean", reduce18()), Map.entry("ReduceMax", reduce18()), Map.entry("ReduceMin", reduce18()),
            Map.entry("ReduceProd", reduce18()), Map.entry("ReduceL2", reduce18()),
            Map.entry("Split", simple(OpUpgrades::split)),
            Map.entry("Softmax", simple(OpUpgrades::softmaxFamily)),
            Map.entry("LogSoftmax", simple(OpUpgrades::softmaxFamily)),
            Map.entry("Hardmax", simple(OpUpgrades::softmaxFamily)),
            Map.entry("Dropout", new DropoutUpgrade()),
            Map.entry("BatchNormalization", new BatchNormUpgrade()),
            Map.entry("Resize", new ResizeUpgrades.Resize()),
            Map.entry("Upsample", new ResizeUpgrades.Upsample()));

    private OpUpgrades() {
    }

    /** Whether a converter exists for this default-domain op. */
    static boolean handles(String op) {
        return BY_OP.containsKey(op);
    }

    /** Why {@code n} cannot be converted with its meaning kept; empty when it can. */
    static Optional<String> blocker(Node n, Graph g, long from, long to) {
        return BY_OP.get(n.opType()).blocker(n, g, from, to);
    }

    /** Converts {@code n} in place (it may be replaced by several nodes). */
    static void apply(Node n, Graph g, long from, long to) {
        BY_OP.get(n.opType()).apply(n, g, from, to);
    }

    @FunctionalInterface
    private interface Rewrite {
        void apply(Node n, Graph g, long from, long to);
    }

    private static Upgrade simple(Rewrite r) {
        return new Upgrade() {
            @Override
            public Optional<String> blocker(Node n, Graph g, long from, long to) {
                return Optional.empty();
            }

            @Override
            public void apply(Node n, Graph g, long from, long to) {
                r.apply(n, g, from, to);
            }
        };
    }

    /** ReduceMean & co. took {@code axes} as an attribute until opset 18. */
    private static Upgrade reduce18() {
        return simple((n, g, from, to) -> {
            if (to >= 18) {
                attrsToInputs(n, g, List.of("axes"));
            }
        });
    }

    /** Integer-list attributes → int64 initializers appended as inputs, in order; an absent one stays absent. */
    static void attrsToInputs(Node n, Graph g, List<String> attrs) {
        List<String> names = new ArrayList<>();
        for (String a : attrs) {
            if (n.attribute(a).isEmpty()) {
                names.add("");
                continue;
            }
            long[] v = n.attrInts(a).stream().mapToLong(Long::longValue).toArray();
            names.add(constant(g, n, a, Tensor.ofInt64("", new long[] {v.length}, v)));
            n.removeAttr(a);
        }
        appendInputs(n, names);
    }

    /** Appends inputs, dropping trailing absent ones (ONNX allows omitting trailing optional inputs). */
    static void appendInputs(Node n, List<String> names) {
        int last = names.size() - 1;
        while (last >= 0 && names.get(last).isEmpty()) {
            last--;
        }
        int base = n.inputs().size();
        for (int i = 0; i <= last; i++) {
            n.setInput(base + i, names.get(i));
        }
    }

    /** Adds an initializer named after the node and the attribute it replaces; returns its name. */
    static String constant(Graph g, Node n, String what, Tensor value) {
        String name = g.uniqueName((n.name().isEmpty() ? n.output(0) : n.name()) + "_" + what);
        g.putInitializer(value.withName(name));
        return name;
    }

    private static void clip(Node n, Graph g) {
        // opset 6 defaults: the float range, which is what an absent input means from opset 11 on
        String min = n.attribute("min").isPresent()
                ? constant(g, n, "min", Tensor.scalar("", n.attrFloat("min", -Float.MAX_VALUE))) : "";
        String max = n.attribute("max").isPresent()
                ? constant(g, n, "max", Tensor.scalar("", n.attrFloat("max", Float.MAX_VALUE))) : "";
        n.removeAttr("min");
        n.removeAttr("max");
        appendInputs(n, List.of(min, max));
    }

    private static void topK(Node n, Graph g) {
        String k = constant(g, n, "k", Tensor.ofInt64("", new long[] {1}, new long[] {n.attrInt("k", 1)}));
        n.removeAttr("k");
        n.setInput(n.inputs().size(), k);
    }

    private static void split(Node n, Graph g, long from, long to) {
        if (from < 13 && n.attribute("split").isPresent()) {
            attrsToInputs(n, g, List.of("split"));
        }
        if (to >= 18 && n.inputs().size() < 2) {
            // from 18 on, an equal split must say into how many parts
            n.setAttr("num_outputs", (long) n.outputs().size());
        }
    }

    /**
     * Before 13, {@code Softmax(x, axis)} meant: flatten x to 2-D [d0·…·d(axis-1), d(axis)·…·d(r-1)], normalise
     * each row, reshape back. From 13 it normalises along {@code axis} alone (default -1). Where the axis is the
     * last one the two agree; elsewhere the old meaning is spelled out.
     */
    private static void softmaxFamily(Node n, Graph g, long from, long to) {
        long axis = n.attrInt("axis", 1);
        Optional<Integer> rank = rank(g, n.input(0));
        if (axis == -1 || rank.isPresent() && (axis == rank.get() - 1 || axis + rank.get() == rank.get() - 1)) {
            n.setAttr("axis", -1L);
            return;
        }
        String base = n.name().isEmpty() ? n.output(0) : n.name();
        String x = n.input(0);
        String shape = g.uniqueName(base + "_shape");
        String flat = g.uniqueName(base + "_2d");
        String normalised = g.uniqueName(base + "_2d_out");
        Node shapeOf = Node.of(g.uniqueName(base + "/Shape"), "Shape", List.of(x), List.of(shape));
        Node flatten = Node.of(g.uniqueName(base + "/Flatten"), "Flatten", List.of(x), List.of(flat));
        flatten.setAttr("axis", axis);
        Node op = Node.of(n.name(), n.opType(), List.of(flat), List.of(normalised));
        op.setAttr("axis", -1L);
        Node back = Node.of(g.uniqueName(base + "/Reshape"), "Reshape", List.of(normalised, shape),
                List.of(n.output(0)));
        g.replace(n, List.of(shapeOf, flatten, op, back));
    }

    /** The rank of a value when the graph declares it (input, output or value_info). */
    static Optional<Integer> rank(Graph g, String value) {
        List<ValueInfoProto> known = new ArrayList<>(g.inputs());
        known.addAll(g.outputs());
        Optional.ofNullable(g.valueInfo().get(value)).ifPresent(known::add);
        return known.stream().filter(v -> v.getName().equals(value) && v.getType().hasTensorType()
                        && v.getType().getTensorType().hasShape())
                .map(v -> v.getType().getTensorType().getShape().getDimCount()).findFirst()
                .or(() -> g.initializer(value).map(Tensor::rank));
    }

    /** Pad-2's {@code pads}, {@code mode}, {@code value} attributes became inputs in 11 ({@code mode} stayed). */
    private static final class PadUpgrade implements Upgrade {
        @Override
        public Optional<String> blocker(Node n, Graph g, long from, long to) {
            return n.attribute("pads").isPresent() ? Optional.empty() : Optional.of("Pad without 'pads'");
        }

        @Override
        public void apply(Node n, Graph g, long from, long to) {
            float value = n.attrFloat("value", 0f);
            attrsToInputs(n, g, List.of("pads"));
            n.removeAttr("value");
            if ("constant".equals(n.attrString("mode", "constant")) && value != 0f) {
                n.setInput(n.inputs().size(), constant(g, n, "value", Tensor.scalar("", value)));
            }
        }
    }

    /** Dropout is the identity at inference; from 12 its ratio is an input, so the old node becomes Identity. */
    private static final class DropoutUpgrade implements Upgrade {
        @Override
        public Optional<String> blocker(Node n, Graph g, long from, long to) {
            boolean maskRead = n.outputs().size() > 1 && !n.output(1).isEmpty()
                    && (!g.consumers(n.output(1)).isEmpty() || g.isGraphOutput(n.output(1)));
            return maskRead ? Optional.of("Dropout whose mask output is read") : Optional.empty();
        }

        @Override
        public void apply(Node n, Graph g, long from, long to) {
            g.replace(n, List.of(Node.of(n.name(), "Identity", List.of(n.input(0)), List.of(n.output(0)))));
        }
    }

    /**
     * BatchNormalization lost {@code spatial} in 9 (always 1 since) and gained {@code training_mode} in 14; an
     * inference node with one output keeps its meaning.
     */
    private static final class BatchNormUpgrade implements Upgrade {
        @Override
        public Optional<String> blocker(Node n, Graph g, long from, long to) {
            if (n.attrInt("spatial", 1) != 1) {
                return Optional.of("BatchNormalization with spatial=0");
            }
            for (int i = 1; i < n.outputs().size(); i++) {
                String o = n.output(i);
                if (!o.isEmpty() && (!g.consumers(o).isEmpty() || g.isGraphOutput(o))) {
                    return Optional.of("BatchNormalization in training mode (running statistics are read)");
                }
            }
            return Optional.empty();
        }

        @Override
        public void apply(Node n, Graph g, long from, long to) {
            Node inference = new Node(n.name(), n.opType(), n.domain(), n.inputs(), List.of(n.output(0)));
            n.attributes().values().stream().filter(a -> !a.getName().equals("spatial") && !a.getName().equals("is_test"))
                    .forEach(inference::setAttr);
            g.replace(n, List.of(inference));
        }
    }
}
