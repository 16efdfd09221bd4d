package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dependency-group analysis on an ONNX graph. Every Conv / Gemm / MatMul with its own float weight
 * opens a channel space for its output; spaces flow forward through ops that keep channels apart
 * (BatchNormalization, activations, pooling, elementwise ops, depthwise Conv, reshapes —
 * {@link ReshapeRules}, Concat/Split) until they reach a layer that reduces over them (the next Conv —
 * {@link ConvRules} —, Gemm or MatMul). Two spaces meeting in an elementwise op (a residual Add) are
 * merged: one group, one mask. A grouped Conv asks its spaces to lose channels evenly in each group.
 * Concat, Split, Transpose and attention MatMuls are {@link LayoutRules}.
 * Any other use (a graph output, Transpose, LayerNormalization, a subgraph, a shared weight…) blocks
 * the whole group, with the reason kept for the report. Shapes come from a probe run in ORT.
 */
final class ChannelGraph {
    /** What surgery must do at one node for the value it reads. */
    enum EditKind { SOURCE, SINK, BATCH_NORM, CONST_SLICE, DEPTHWISE, RESHAPE, GROUPED_IN }

    /** One edit: node, kind, the value whose mask applies, and an input index / axis detail. */
    record Edit(Node node, EditKind kind, String value, int input, int axis) {
    }

    final Graph graph;
    final Map<String, long[]> shapes;
    final Map<String, ChannelLayout> layouts = new LinkedHashMap<>();
    final List<Edit> edits = new ArrayList<>();
    final List<Integer> spaceSize = new ArrayList<>();
    final List<Node> spaceSource = new ArrayList<>();
    /** Channel space → {head space, channels per head} when a Reshape splits it into attention heads. */
    final Map<Integer, int[]> derived = new LinkedHashMap<>();
    /** Space → number of equal runs that must each lose the same number of channels (grouped Conv). */
    private final Map<Integer, Integer> equalRuns = new HashMap<>();
    private final List<Integer> parent = new ArrayList<>();
    private final Map<Integer, List<String>> blocked = new HashMap<>();
    private final Map<String, Integer> useCount = new HashMap<>();

    ChannelGraph(Graph graph, Map<String, long[]> shapes) {
        this.graph = graph;
        this.shapes = shapes;
        for (Node n : graph.nodes()) {
            n.inputs().forEach(i -> useCount.merge(i, 1, Integer::sum));
            if (!n.subgraphs().isEmpty()) {
                n.implicitInputs().forEach(i -> useCount.merge(i, 1, Integer::sum));
            }
        }
    }

    /** Runs the analysis over the graph (nodes must be in topological order). */
    void analyse() {
        for (Node n : graph.nodes()) {
            List<String> tracked = n.inputs().stream().filter(layouts::containsKey).distinct().toList();
            if (!n.subgraphs().isEmpty()) {
                for (String v : n.implicitInputs()) {
                    if (layouts.containsKey(v)) {
                        block(layouts.get(v), "read inside a subgraph of " + describe(n));
                    }
                }
            }
            if (!tracked.isEmpty()) {
                consume(n, tracked);
            }
            if (!layouts.containsKey(n.outputs().isEmpty() ? "" : n.output(0))) {
                openSpace(n);
            }
        }
        for (Map.Entry<String, ChannelLayout> e : layouts.entrySet()) {
            if (graph.isGraphOutput(e.getKey())) {
                block(e.getValue(), "reaches graph output " + e.getKey());
            }
        }
        checkHeads();
    }

    private void openSpace(Node n) {
        long group = n.is("Conv") ? n.attrInt("group", 1) : 1;
        boolean conv = n.is("Conv");
        boolean gemm = n.is("Gemm") && n.attrInt("transA", 0) == 0;
        boolean matmul = n.is("MatMul");
        if (!(conv || gemm || matmul) || !ownFloatWeight(n, 1)) {
            return;
        }
        Tensor w = graph.initializer(n.input(1)).orElseThrow();
        long[] out = shapes.get(n.output(0));
        if (out == null || w.rank() < 2 || matmul && w.rank() != 2) {
            return;
        }
        int size;
        int axis;
        if (conv) {
            size = (int) w.dim(0);
            axis = -(out.length - 1);
        } else if (gemm) {
            size = (int) (n.attrInt("transB", 0) == 1 ? w.dim(0) : w.dim(1));
            axis = -1;
            if (!n.input(2).isEmpty() && !biasOk(n.input(2), size)) {
                return;
            }
        } else {
            size = (int) w.dim(1);
            axis = -1;
        }
        if (!n.input(2).isEmpty() && !gemm && !biasOk(n.input(2), size)) {
            return;
        }
        if (group > 1 && size % group != 0) {
            return;
        }
        int id = newSpace(size, n);
        if (group > 1) {
            requireEqualRuns(id, (int) group);
        }
        layouts.put(n.output(0), ChannelLayout.single(axis, id, size));
        edits.add(new Edit(n, EditKind.SOURCE, n.output(0), 1, axis));
    }

    int newSpace(int size, Node source) {
        int id = spaceSize.size();
        spaceSize.add(size);
        spaceSource.add(source);
        parent.add(id);
        return id;
    }

    /** The space's channels fall into {@code runs} equal runs that must keep equal counts. */
    void requireEqualRuns(int space, int runs) {
        equalRuns.merge(space, runs, ChannelGraph::lcm);
    }

    /** Equal runs every mask of the group must respect (1 = none); blocked when they do not divide it. */
    int equalRuns(int root) {
        int runs = 1;
        for (int sp : members(root)) {
            runs = lcm(runs, equalRuns.getOrDefault(sp, 1));
        }
        return runs;
    }

    static int lcm(int a, int b) {
        int x = a;
        for (int y = b; y != 0; ) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    int uses(String value) {
        return useCount.getOrDefault(value, 0);
    }

    boolean biasOk(String name, int size) {
        return graph.initializer(name).map(b -> b.dataType() == DataType.FLOAT && b.elementCount() == size
                && useCount.getOrDefault(name, 0) == 1 && b.shape()[b.rank() - 1] == size).orElse(false);
    }

    boolean ownFloatWeight(Node n, int input) {
        String w = n.input(input);
        return graph.initializer(w).map(t -> t.dataType() == DataType.FLOAT).orElse(false)
                && useCount.getOrDefault(w, 0) == 1;
    }

    private void consume(Node n, List<String> tracked) {
        String in0 = n.input(0);
        ChannelLayout l0 = layouts.get(in0);
        if (!n.domain().isEmpty()) {
            blockAll(tracked, "consumed by unsupported op " + describe(n));
            return;
        }
        String op = n.opType();
        if (n.is("MatMul") && !graph.isInitializer(n.input(1))) {
            LayoutRules.batchedMatMul(this, n, tracked);
        } else if (n.is("Shape") && tracked.size() == 1 && l0 != null) {
            ReshapeRules.consumeShape(this, n, l0);
        } else if (n.is("Transpose")) {
            LayoutRules.transpose(this, n, l0, tracked);
        } else if ((n.is("Softmax") || n.is("LogSoftmax")) && l0 != null && tracked.size() == 1) {
            int r = rank(in0);
            long ax = n.attrInt("axis", -1);
            if ((ax < 0 ? ax : ax - r) == l0.axis()) {
                block(l0, describe(n) + " normalises across the channels");
                return;
            }
            layouts.put(n.output(0), l0);
        } else if (n.is("Conv") || n.is("Gemm") || n.is("MatMul")) {
            if (tracked.size() != 1 || l0 == null || !tracked.get(0).equals(in0)) {
                blockAll(tracked, "used as a weight or second operand of " + describe(n));
                return;
            }
            consumeLinear(n, l0);
        } else if (n.is("BatchNormalization")) {
            if (tracked.size() != 1 || l0 == null || rank(in0) + l0.axis() != 1 || n.outputs().size() > 1
                    || !sharesNone(n, 1, 4)) {
                blockAll(tracked, "BatchNormalization " + describe(n) + " in training mode, shared or on another axis");
                return;
            }
            edits.add(new Edit(n, EditKind.BATCH_NORM, in0, 1, 0));
            layouts.put(n.output(0), l0);
        } else if (ChannelOps.UNARY.contains(op) || ChannelOps.POOL.contains(op)) {
            if (tracked.size() != 1 || l0 == null || ChannelOps.POOL.contains(op) && rank(in0) + l0.axis() != 1
                    || n.outputs().size() > 1 && useCount.getOrDefault(n.output(1), 0) > 0) {
                blockAll(tracked, "consumed by " + describe(n) + " in a way that mixes channels");
                return;
            }
            layouts.put(n.output(0), l0.withAxis(l0.axis() + (rank(n.output(0)) - rank(in0))));
        } else if (ChannelOps.BINARY.contains(op)) {
            consumeElementwise(n, tracked);
        } else if (ChannelOps.RESHAPES.contains(op)) {
            ReshapeRules.consume(this, n, tracked, l0);
        } else if (n.is("Concat")) {
            LayoutRules.concat(this, n, tracked);
        } else if (n.is("Split")) {
            LayoutRules.split(this, n, tracked, l0);
        } else {
            blockAll(tracked, "consumed by " + describe(n) + " (not channel-separable)");
        }
    }

    private void consumeLinear(Node n, ChannelLayout l) {
        String in = n.input(0);
        int r = rank(in);
        if (n.is("Conv")) {
            ConvRules.consume(this, n, l);
        } else if (n.is("Gemm")) {
            if (n.attrInt("transA", 0) != 0 || r != 2 || l.axis() != -1 || !ownFloatWeight(n, 1)) {
                block(l, "Gemm " + describe(n) + " with transA, computed or shared weight");
                return;
            }
            edits.add(new Edit(n, EditKind.SINK, in, 1, n.attrInt("transB", 0) == 1 ? 1 : 0));
        } else {
            Tensor w = graph.initializer(n.input(1)).orElse(null);
            if (w == null || w.rank() != 2 || l.axis() != -1 || !ownFloatWeight(n, 1)) {
                block(l, "MatMul " + describe(n) + " weight is computed, shared or not 2-D");
                return;
            }
            edits.add(new Edit(n, EditKind.SINK, in, 1, 0));
        }
    }

    private void consumeElementwise(Node n, List<String> tracked) {
        ChannelLayout first = layouts.get(tracked.get(0));
        int outRank = rank(n.output(0));
        for (String t : tracked) {
            ChannelLayout l = layouts.get(t);
            if (!l.sameStructure(first) || l.axis() != first.axis()) {
                blockAll(tracked, "elementwise " + describe(n) + " joins differently laid-out channels");
                return;
            }
        }
        for (String t : tracked.subList(1, tracked.size())) {
            List<ChannelLayout.Segment> a = first.segments();
            List<ChannelLayout.Segment> b = layouts.get(t).segments();
            for (int i = 0; i < a.size(); i++) {
                if ((a.get(i).space() < 0) != (b.get(i).space() < 0)) {
                    blockAll(tracked, "elementwise " + describe(n) + " joins a prunable with a fixed channel run");
                    return;
                }
                if (a.get(i).space() >= 0) {
                    union(a.get(i).space(), b.get(i).space());
                }
            }
        }
        for (int i = 0; i < n.inputs().size(); i++) {
            String in = n.input(i);
            if (in.isEmpty() || layouts.containsKey(in)) {
                continue;
            }
            long[] s = graph.initializer(in).map(Tensor::shape).orElse(shapes.get(in));
            if (s == null) {
                blockAll(tracked, "elementwise " + describe(n) + " reads " + in + " of unknown shape");
                return;
            }
            int pos = s.length + first.axis();
            if (pos < 0 || s[pos] == 1) {
                continue; // broadcast along the channel axis: nothing to slice
            }
            if (s[pos] == first.width() && graph.isInitializer(in)
                    && graph.initializer(in).get().dataType() == DataType.FLOAT) {
                edits.add(new Edit(n, EditKind.CONST_SLICE, tracked.get(0), i, pos));
                continue;
            }
            blockAll(tracked, "elementwise " + describe(n) + " with a per-channel tensor " + in + " that is not a constant");
            return;
        }
        layouts.put(n.output(0), first.withAxis(first.axis()));
        if (outRank < 0) {
            blockAll(tracked, "no shape for " + n.output(0));
        }
    }

    /** A Reshape [.., C] → [.., H, C/H]: the channels become H heads, pruned whole (a head space). */
    ChannelLayout splitIntoHeads(ChannelLayout l, int heads, int perHead) {
        int channelSpace = l.segments().get(0).space();
        int id = newSpace(heads, null);
        derived.put(channelSpace, new int[]{id, perHead});
        return new ChannelLayout(-2, List.of(new ChannelLayout.Segment(id, heads, 1)));
    }

    /** After analysis: a head-split channel space must be alone in its group, else its heads stay. */
    private void checkHeads() {
        for (Map.Entry<Integer, int[]> e : derived.entrySet()) {
            int root = find(e.getKey());
            List<String> heads = blocked.computeIfAbsent(e.getValue()[0], k -> new ArrayList<>());
            if (members(root).size() > 1 || equalRuns(root) > 1) {
                heads.add("the split channels are also joined with other channels or read by a grouped Conv");
            }
            blockReasons(root).forEach(r -> heads.add("the split channels cannot change: " + r));
            blocked.computeIfAbsent(root, k -> new ArrayList<>()).add("split into attention heads: pruned by heads");
        }
    }

    private boolean sharesNone(Node n, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (!graph.isInitializer(n.input(i)) || useCount.getOrDefault(n.input(i), 0) != 1) {
                return false;
            }
        }
        return true;
    }

    int rank(String v) {
        long[] s = shapes.get(v);
        return s == null ? -100 : s.length;
    }

    void blockAll(List<String> values, String reason) {
        values.forEach(v -> block(layouts.get(v), reason));
    }

    void block(ChannelLayout l, String reason) {
        if (l == null) {
            return;
        }
        for (ChannelLayout.Segment s : l.segments()) {
            if (s.space() >= 0) {
                blocked.computeIfAbsent(s.space(), k -> new ArrayList<>()).add(reason);
            }
        }
    }

    int find(int s) {
        while (parent.get(s) != s) {
            parent.set(s, parent.get(parent.get(s)));
            s = parent.get(s);
        }
        return s;
    }

    void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return;
        }
        if (!spaceSize.get(ra).equals(spaceSize.get(rb))) {
            blocked.computeIfAbsent(ra, k -> new ArrayList<>()).add("joined spaces differ in size");
        }
        parent.set(Math.max(ra, rb), Math.min(ra, rb));
    }

    /** Reasons a group (given by its root) cannot be pruned; empty when it can. */
    List<String> blockReasons(int root) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : blocked.entrySet()) {
            if (find(e.getKey()) == root) {
                e.getValue().stream().filter(r -> !out.contains(r)).forEach(out::add);
            }
        }
        return out;
    }

    /** Group roots in order of their first source. */
    List<Integer> roots() {
        Set<Integer> r = new LinkedHashSet<>();
        for (int i = 0; i < spaceSize.size(); i++) {
            r.add(find(i));
        }
        return new ArrayList<>(r);
    }

    /** Spaces of a group. */
    List<Integer> members(int root) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < spaceSize.size(); i++) {
            if (find(i) == root) {
                out.add(i);
            }
        }
        return out;
    }

    static String describe(Node n) {
        return n.opType() + " '" + n.name() + "'";
    }
}
