package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Applies channel masks to a graph copy: slices the output axis of source weights and biases, the
 * input axis of consuming weights, BatchNormalization parameters, per-channel constants of
 * elementwise ops, depthwise Conv weights (and their {@code group}), grouped Conv weights group by
 * group, and the channel entry of Reshape shapes (constant, or the constant piece of a computed one). Value infos of changed values are dropped so ORT re-infers their shapes.
 */
final class ChannelSurgery {
    private ChannelSurgery() {
    }

    /**
     * Edits {@code g} in place.
     *
     * @return keep masks of every value whose channel axis changed
     */
    static Map<String, boolean[]> apply(Graph g, ChannelGraph analysis, IntFunction<boolean[]> spaceMask) {
        Map<String, boolean[]> changed = new LinkedHashMap<>();
        Map<String, Node> byName = new HashMap<>();
        for (Node n : g.nodes()) {
            byName.put(key(n), n);
        }
        for (Map.Entry<String, ChannelLayout> e : analysis.layouts.entrySet()) {
            boolean[] m = e.getValue().mask(spaceMask);
            if (!allTrue(m)) {
                changed.put(e.getKey(), m);
            }
        }
        for (ChannelGraph.Edit edit : analysis.edits) {
            boolean[] mask = changed.get(edit.value());
            if (mask == null) {
                continue;
            }
            Node n = byName.get(key(edit.node()));
            switch (edit.kind()) {
                case SOURCE -> {
                    int axis = n.is("Conv") ? 0 : n.is("Gemm") ? (n.attrInt("transB", 0) == 1 ? 0 : 1) : 1;
                    slice(g, n, 1, axis, mask);
                    if (!n.input(2).isEmpty()) {
                        Tensor b = g.initializer(n.input(2)).orElseThrow();
                        slice(g, n, 2, b.rank() - 1, mask);
                    }
                }
                case SINK -> slice(g, n, 1, edit.axis(), mask);
                case BATCH_NORM -> {
                    for (int i = 1; i <= 4; i++) {
                        slice(g, n, i, 0, mask);
                    }
                }
                case CONST_SLICE -> slice(g, n, edit.input(), edit.axis(), mask);
                case DEPTHWISE -> {
                    slice(g, n, 1, 0, mask);
                    if (!n.input(2).isEmpty()) {
                        slice(g, n, 2, 0, mask);
                    }
                    n.setAttr("group", (long) count(mask));
                }
                case RESHAPE -> {
                    // A Reshape's target shape, or the constant piece of a Concat that computes one at run time.
                    Tensor shape = g.initializer(n.input(edit.input())).orElseThrow();
                    long[] dims = shape.longs();
                    if (edit.axis() < dims.length && dims[edit.axis()] > 0) {
                        dims[edit.axis()] = count(mask);
                        String name = g.uniqueName(shape.name() + "_pruned");
                        g.putInitializer(Tensor.ofInt64(name, shape.shape(), dims));
                        n.setInput(edit.input(), name);
                    }
                }
                case GROUPED_IN -> {
                    Tensor w = g.initializer(n.input(1)).orElseThrow();
                    g.putInitializer(ConvRules.sliceGroupedInput(w, edit.axis(), mask));
                }
                default -> throw new IllegalStateException(edit.kind().name());
            }
        }
        changed.keySet().forEach(g::removeValueInfo);
        g.removeUnusedInitializers();
        return changed;
    }

    private static String key(Node n) {
        return n.name() + "|" + n.outputs();
    }

    /** Replaces input {@code input} of {@code n} by its slice along {@code axis}. */
    private static void slice(Graph g, Node n, int input, int axis, boolean[] mask) {
        Tensor t = g.initializer(n.input(input)).orElseThrow();
        Tensor s = sliceTensor(t, axis, mask);
        boolean shared = g.consumers(t.name()).size() > 1;
        if (shared) {
            s = s.withName(g.uniqueName(t.name() + "_pruned"));
            n.setInput(input, s.name());
        }
        g.putInitializer(s);
    }

    /** A float tensor with only the kept indices of {@code axis}. */
    static Tensor sliceTensor(Tensor t, int axis, boolean[] mask) {
        long[] shape = t.shape();
        if (shape[axis] != mask.length) {
            throw new IllegalStateException("mask of " + mask.length + " for axis " + axis + " of " + t);
        }
        float[] src = t.floats();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= (int) shape[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= (int) shape[i];
        }
        int kept = count(mask);
        float[] dst = new float[outer * kept * inner];
        int p = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < mask.length; c++) {
                if (mask[c]) {
                    System.arraycopy(src, (o * mask.length + c) * inner, dst, p, inner);
                    p += inner;
                }
            }
        }
        long[] ns = shape.clone();
        ns[axis] = kept;
        return Tensor.ofFloats(t.name(), ns, dst);
    }

    static int count(boolean[] m) {
        int c = 0;
        for (boolean b : m) {
            c += b ? 1 : 0;
        }
        return c;
    }

    static boolean allTrue(boolean[] m) {
        return count(m) == m.length;
    }
}
