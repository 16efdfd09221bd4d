package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Multi-head self-attention written out in plain ONNX ops, found so int8-dynamic can hand it to ONNX Runtime's
 * {@code com.microsoft.QAttention} kernel as one node:
 *
 * <pre>
 *   h ─┬─ MatMul(Wq) ─ Add(bq) ─ Reshape[.., .., H, dh] ─ Transpose(0,2,1,3) ─────────────┐
 *      ├─ MatMul(Wk) ─ Add(bk) ─ Reshape ─ Transpose(0,2,3,1) (or (0,2,1,3) then (0,1,3,2)) ─ MatMul ─ Mul|Div(c) ─ Softmax(-1)
 *      └─ MatMul(Wv) ─ Add(bv) ─ Reshape ─ Transpose(0,2,1,3) ─────────────────────────────────────────────── MatMul ─┘
 *                                                              ─ Transpose(0,2,1,3) ─ Reshape[.., .., H·dh] ─ out
 * </pre>
 *
 * becomes {@code DynamicQuantizeLinear(h) → QAttention(h_q, [Wq|Wk|Wv] int8, [bq|bk|bv], …, num_heads=H)}. One
 * packed int8 GEMM replaces three, and the head split/merge Reshapes and Transposes, both batched MatMuls, the
 * scale and the Softmax run inside the kernel: on small models those dozen nodes per layer cost more than their
 * arithmetic. Blocks with anything else between the pieces (an attention mask, a bias on the scores, dropout, a
 * value used twice) are not fused; their MatMuls are quantized one by one as before.
 */
final class AttentionFusion {
    private AttentionFusion() {
    }

    /**
     * One matched block.
     *
     * @param projections q, k, v in that order
     * @param biases      their bias initializers ({@code ""} when a projection has none)
     * @param removed     every node the QAttention replaces (projections included)
     * @param scale       the factor applied to the scores
     */
    record Block(String input, List<LinearOp> projections, List<String> biases, int heads, int headSize,
                 float scale, List<Node> removed, String output, Node softmax, Mask mask) {

        int hidden() {
            return heads * headSize;
        }

        /** ORT's default scale is 1/sqrt(head size); anything else goes into the attribute. */
        boolean defaultScale() {
            return Math.abs(scale - 1 / Math.sqrt(headSize)) <= 1e-6 * scale;
        }
    }

    /**
     * A BERT-style additive mask: {@code Add(scores, Mul(Sub(1, Cast<float>(Unsqueeze…(m))), c))} with m a [batch,
     * tokens] 0/1 tensor — what QAttention's raw {@code mask_index} with {@code mask_filter_value = c} computes.
     *
     * @param source   m, before the Unsqueezes
     * @param expanded the float [batch, 1, 1, tokens] it becomes (for the shape probe)
     * @param chain    Unsqueeze/Cast/Sub/Mul, shared by every layer: removed only once nothing reads them
     */
    record Mask(String source, String expanded, float filterValue, List<Node> chain) {
    }

    /** A block, or why the attention around a Softmax was not matched. */
    record Match(Block block, String reason) {
        static Match no(String reason) {
            return new Match(null, reason);
        }
    }

    /** Every Softmax that looks like attention, matched or with the reason it was not. */
    static List<Match> find(Graph g, long opset) {
        List<Match> out = new ArrayList<>();
        Map<String, List<Node>> consumers = g.consumerMap();
        Map<String, Node> producers = g.producerMap();
        for (Node sm : g.nodes()) {
            if (sm.is("Softmax") && sm.domain().isEmpty()) {
                out.add(match(g, sm, consumers, producers, opset));
            }
        }
        return out;
    }

    private static Match match(Graph g, Node sm, Map<String, List<Node>> consumers, Map<String, Node> producers,
                               long opset) {
        Optional<Long> axis = sm.attribute("axis").map(a -> a.getI());
        if (axis.isEmpty() ? opset < 13 : axis.get() != -1 && axis.get() != 3) {
            return Match.no("Softmax is not over the last axis");
        }
        List<Node> removed = new ArrayList<>();
        removed.add(sm);
        Node scoresNode = producers.get(sm.input(0));
        Mask mask = null;
        if (scoresNode != null && scoresNode.is("Add") && single(g, consumers, sm.input(0))) {
            for (int i = 0; i < 2 && mask == null; i++) {
                mask = mask(g, producers, scoresNode.input(i));
                if (mask != null) {
                    removed.add(scoresNode);
                    scoresNode = producers.get(scoresNode.input(1 - i));
                }
            }
            if (mask == null) {
                return Match.no("an Add between the scores and Softmax is not a 0/1 attention mask times a constant");
            }
        }
        float scale = 1f;
        if (scoresNode != null && (scoresNode.is("Mul") || scoresNode.is("Div"))) {
            Float c = null;
            int data = -1;
            for (int i = 0; i < 2; i++) {
                Float s = scalar(g, scoresNode.input(i));
                if (s != null && (scoresNode.is("Mul") || i == 1)) {
                    c = s;
                    data = 1 - i;
                }
            }
            if (c == null || c == 0f) {
                return Match.no("the scores are scaled by a value that is not a constant scalar");
            }
            scale = scoresNode.is("Mul") ? c : 1 / c;
            if (!single(g, consumers, scoresNode.output(0))) {
                return Match.no("the scaled scores are used elsewhere");
            }
            removed.add(scoresNode);
            scoresNode = producers.get(scoresNode.input(data));
        }
        if (scoresNode == null || !scoresNode.is("MatMul") || !single(g, consumers, scoresNode.output(0))) {
            return Match.no("Softmax input is not the product of queries and keys (a bias in between?)");
        }
        Node qk = scoresNode;
        removed.add(qk);
        List<Node> smUsers = consumers.getOrDefault(sm.output(0), List.of());
        if (smUsers.size() != 1 || !smUsers.get(0).is("MatMul") || !smUsers.get(0).input(0).equals(sm.output(0))
                || g.isGraphOutput(sm.output(0))) {
            return Match.no("the attention weights are not only multiplied with the values");
        }
        Node av = smUsers.get(0);
        removed.add(av);

        Head q = head(g, consumers, producers, qk.input(0), List.of(List.of(0L, 2L, 1L, 3L)), removed);
        Head k = head(g, consumers, producers, qk.input(1),
                List.of(List.of(0L, 2L, 3L, 1L), List.of(0L, 2L, 1L, 3L, -1L)), removed);
        Head v = head(g, consumers, producers, av.input(1), List.of(List.of(0L, 2L, 1L, 3L)), removed);
        for (Head h : List.of(q, k, v)) {
            if (h.reason != null) {
                return Match.no(h.reason);
            }
        }
        if (!q.op.activation().equals(k.op.activation()) || !q.op.activation().equals(v.op.activation())) {
            return Match.no("queries, keys and values are not projections of the same input (cross-attention)");
        }
        if (q.heads != k.heads || q.heads != v.heads || q.headSize != k.headSize || q.headSize != v.headSize
                || q.op.n() != q.heads * q.headSize || k.op.n() != q.op.n() || v.op.n() != q.op.n()
                || k.op.k() != q.op.k() || v.op.k() != q.op.k()) {
            return Match.no("queries, keys and values are split into heads of different shapes");
        }

        // merge the heads back: Transpose(0,2,1,3) → Reshape to [.., .., H·dh]
        Node merge = onlyConsumer(g, consumers, av.output(0));
        if (merge == null || !merge.is("Transpose") || !merge.attrInts("perm").equals(List.of(0L, 2L, 1L, 3L))) {
            return Match.no("the heads are not merged back by Transpose(0,2,1,3)");
        }
        Node flat = reshapeReader(g, consumers, merge.output(0));
        long[] target = flat == null ? null : target(g, flat.input(1));
        if (target == null || target.length != 3 || target[2] != q.op.n()) {
            return Match.no("the merged heads are not reshaped to [batch, tokens, " + q.op.n() + "]");
        }
        removed.add(merge);
        removed.add(flat);
        // Shape→Gather→Unsqueeze→Concat chains that compute the Reshape targets at run time go with the block,
        // provided they feed nothing but those Reshapes.
        Set<Node> reshapes = Set.of(q.reshape, k.reshape, v.reshape, flat);
        for (String value : List.of(q.projected, k.projected, v.projected, merge.output(0))) {
            if (!shapeOnlyReaders(g, consumers, value, reshapes, removed)) {
                return Match.no("a value inside the block is also read outside it");
            }
        }
        Block b = new Block(q.op.activation(), List.of(q.op, k.op, v.op), List.of(q.bias, k.bias, v.bias), q.heads,
                q.headSize, scale, List.copyOf(removed), flat.output(0), sm, mask);
        return new Match(b, null);
    }

    /** One of q, k, v: projection, bias, head split. */
    private static final class Head {
        LinearOp op;
        Node reshape;
        String projected;
        String bias = "";
        int heads;
        int headSize;
        String reason;
    }

    /**
     * Walks up from a batched-MatMul operand: Transpose(s) with one of {@code perms} (a 5th element -1 marks the
     * two-Transpose form (0,2,1,3) then (0,1,3,2)), Reshape to [.., .., H, dh], optional Add(bias), MatMul(W).
     */
    private static Head head(Graph g, Map<String, List<Node>> consumers, Map<String, Node> producers, String value,
                             List<List<Long>> perms, List<Node> removed) {
        Head h = new Head();
        List<Node> mine = new ArrayList<>();
        Node t = producers.get(value);
        if (t == null || !t.is("Transpose") || !single(g, consumers, value)) {
            h.reason = "a MatMul operand of the scores is not a head-split Transpose";
            return h;
        }
        mine.add(t);
        List<Long> perm = t.attrInts("perm");
        String reshaped;
        if (perms.contains(perm)) {
            reshaped = t.input(0);
        } else if (perm.equals(List.of(0L, 1L, 3L, 2L)) && perms.stream().anyMatch(p -> p.size() == 5)) {
            Node inner = producers.get(t.input(0));
            if (inner == null || !inner.is("Transpose") || !inner.attrInts("perm").equals(List.of(0L, 2L, 1L, 3L))
                    || !single(g, consumers, t.input(0))) {
                h.reason = "the keys are not split into heads by Transpose(0,2,1,3)";
                return h;
            }
            mine.add(inner);
            reshaped = inner.input(0);
        } else {
            h.reason = "head-split Transpose has perm " + perm;
            return h;
        }
        Node r = producers.get(reshaped);
        long[] shape = r == null || !r.is("Reshape") ? null : target(g, r.input(1));
        if (shape == null || shape.length != 4 || shape[2] <= 0 || shape[3] <= 0 || !single(g, consumers, reshaped)) {
            h.reason = "heads are not split by a Reshape to [batch, tokens, heads, head size] with constant heads";
            return h;
        }
        mine.add(r);
        h.reshape = r;
        h.heads = (int) shape[2];
        h.headSize = (int) shape[3];
        String projected = r.input(0);
        Node p = producers.get(projected);
        if (p != null && p.is("Add") && reshapeReader(g, consumers, projected) == r) {
            int w = -1;
            for (int i = 0; i < 2; i++) {
                Tensor b = g.initializer(p.input(i)).orElse(null);
                if (b != null && b.dataType() == DataType.FLOAT && b.rank() == 1) {
                    w = i;
                }
            }
            if (w < 0) {
                h.reason = "the projection is followed by an Add of something other than a constant bias";
                return h;
            }
            mine.add(p);
            h.bias = p.input(w);
            h.projected = projected;
            projected = p.input(1 - w);
            p = producers.get(projected);
        } else {
            h.projected = projected;
        }
        if (p == null || !p.is("MatMul") || (h.bias.isEmpty() ? reshapeReader(g, consumers, projected) != r
                : !single(g, consumers, projected))) {
            h.reason = "queries, keys or values are not a MatMul with a weight";
            return h;
        }
        LinearOp.Match m = LinearOp.match(g, p);
        if (m.op() == null) {
            h.reason = m.reason();
            return h;
        }
        if (!h.bias.isEmpty() && g.initializer(h.bias).orElseThrow().elementCount() != m.op().n()) {
            h.reason = "bias length differs from the projection width";
            return h;
        }
        mine.add(p);
        h.op = m.op();
        removed.addAll(mine);
        return h;
    }

    /** Rewrites a matched block; the q/k/v weights are packed column-wise and quantized per column or tensor. */
    static void rewrite(Graph g, Block b, boolean perChannel, int qmax, Map<String, String> int32Masks) {
        int k = b.projections().get(0).k();
        int d = b.hidden();
        float[] packed = new float[k * 3 * d];
        float[] bias = new float[3 * d];
        for (int p = 0; p < 3; p++) {
            float[] w = b.projections().get(p).weightKN();
            for (int r = 0; r < k; r++) {
                System.arraycopy(w, r * d, packed, r * 3 * d + p * d, d);
            }
            if (!b.biases().get(p).isEmpty()) {
                System.arraycopy(g.initializer(b.biases().get(p)).orElseThrow().floats(), 0, bias, p * d, d);
            }
        }
        Int8Quantizer.Result q = Int8Quantizer.quantize(packed, k, 3 * d, perChannel, qmax);
        Node first = b.projections().get(0).node();
        String base = first.name().isEmpty() ? g.uniqueName("attention") : first.name().replace("/q/", "/") + "_qkv";
        String wName = g.uniqueName(base + "_w");
        String sName = g.uniqueName(base + "_ws");
        String zName = g.uniqueName(base + "_wzp");
        String bName = g.uniqueName(base + "_bias");
        g.putInitializer(Tensor.ofInt8(wName, new long[] {k, 3L * d}, q.values()));
        g.putInitializer(Tensor.ofFloats(sName, perChannel ? new long[] {3L * d} : new long[0], q.scales()));
        g.putInitializer(Tensor.ofInt8(zName, new long[0], new byte[1]));
        g.putInitializer(Tensor.ofFloats(bName, new long[] {3L * d}, bias));
        String xq = g.uniqueName(base + "_xq");
        String xs = g.uniqueName(base + "_xs");
        String xz = g.uniqueName(base + "_xzp");
        Node dql = Node.of(g.uniqueName(base + "_dql"), "DynamicQuantizeLinear", List.of(b.input()),
                List.of(xq, xs, xz));
        List<Node> added = new ArrayList<>();
        String maskIndex = "";
        if (b.mask() != null) {
            maskIndex = int32Masks.get(b.mask().source());
            if (maskIndex == null) {
                maskIndex = g.uniqueName(b.mask().source() + "_int32");
                int32Masks.put(b.mask().source(), maskIndex);
                added.add(Node.of(g.uniqueName(b.mask().source() + "_cast_int32"), "Cast", List.of(b.mask().source()),
                        List.of(maskIndex)).setAttr("to", (long) DataType.INT32.onnxCode()));
            }
        }
        Node att = new Node(g.uniqueName(base + "_qattention"), "QAttention", Node.MICROSOFT_DOMAIN,
                List.of(xq, wName, bName, xs, sName, maskIndex, xz, zName), List.of(b.output()))
                .setAttr("num_heads", (long) b.heads());
        if (!b.defaultScale()) {
            att.setAttr("scale", b.scale());
        }
        if (b.mask() != null) {
            att.setAttr("mask_filter_value", b.mask().filterValue());
        }
        added.add(dql);
        added.add(att);
        // the new nodes take the place of the q projection (its input exists there; all users come later)
        g.replace(first, added);
        for (Node n : b.removed()) {
            if (n != first) {
                g.removeNode(n);
            }
        }
        if (b.mask() != null) {
            removeUnread(g, b.mask().chain());
        }
    }

    /** Removes those of {@code candidates} nothing reads any more (repeatedly: a chain goes back to front). */
    private static void removeUnread(Graph g, List<Node> candidates) {
        List<Node> left = new ArrayList<>(candidates);
        for (boolean changed = true; changed; ) {
            changed = false;
            Map<String, List<Node>> consumers = g.consumerMap();
            for (Node n : List.copyOf(left)) {
                boolean unread = n.outputs().stream().allMatch(o -> consumers.getOrDefault(o, List.of()).isEmpty()
                        && !g.isGraphOutput(o));
                if (unread && g.nodes().contains(n)) {
                    g.removeNode(n);
                    left.remove(n);
                    changed = true;
                }
            }
        }
    }

    /**
     * The additive mask term, or null: {@code Mul(Sub(1, Cast<float>(Unsqueeze…(m))), c)} (either operand order
     * of the Mul) with c a negative constant. The shapes (m [batch, tokens], expanded [batch, 1, 1, tokens]) are
     * checked by the pass's probe.
     */
    private static Mask mask(Graph g, Map<String, Node> producers, String value) {
        Node mul = producers.get(value);
        if (mul == null || !mul.is("Mul")) {
            return null;
        }
        for (int i = 0; i < 2; i++) {
            Float c = scalar(g, mul.input(i));
            Node sub = producers.get(mul.input(1 - i));
            if (c == null || !(c < 0) || sub == null || !sub.is("Sub")) {
                continue;
            }
            Float one = scalar(g, sub.input(0));
            Node cast = producers.get(sub.input(1));
            if (one == null || one != 1f || cast == null || !cast.is("Cast")
                    || cast.attrInt("to", 0) != DataType.FLOAT.onnxCode()) {
                continue;
            }
            List<Node> chain = new ArrayList<>(List.of(mul, sub, cast));
            String source = cast.input(0);
            for (Node u = producers.get(source); u != null && u.is("Unsqueeze"); u = producers.get(source)) {
                chain.add(u);
                source = u.input(0);
            }
            return new Mask(source, cast.output(0), c, chain);
        }
        return null;
    }

    /** Bytes of the packed int8 weight with its scales, for the report. */
    static long packedBytes(Block b, boolean perChannel) {
        long elements = (long) b.projections().get(0).k() * 3 * b.hidden();
        return elements + (perChannel ? 3L * b.hidden() : 1) * 4 + 3L * b.hidden() * 4;
    }

    /**
     * The one Reshape reading {@code value} as its data, when every other reader is a Shape (its target computed at
     * run time); null otherwise. {@link #shapeOnlyReaders} later checks where those Shapes lead.
     */
    private static Node reshapeReader(Graph g, Map<String, List<Node>> consumers, String value) {
        Node reshape = null;
        for (Node c : consumers.getOrDefault(value, List.of())) {
            if (c.is("Reshape") && c.input(0).equals(value) && reshape == null) {
                reshape = c;
            } else if (!c.is("Shape")) {
                return null;
            }
        }
        return g.isGraphOutput(value) ? null : reshape;
    }

    /**
     * True when every reader of {@code value} other than a Reshape in {@code sinks} is a Shape whose results only
     * reach those Reshapes' target input (through Gather/Unsqueeze/Squeeze/Concat/Slice/Cast); the nodes on the way
     * are added to {@code collect}.
     */
    private static boolean shapeOnlyReaders(Graph g, Map<String, List<Node>> consumers, String value, Set<Node> sinks,
                                            List<Node> collect) {
        for (Node c : consumers.getOrDefault(value, List.of())) {
            if (sinks.contains(c) && c.input(0).equals(value)) {
                continue;
            }
            if (!c.is("Shape") || !feedsOnlyTargets(g, consumers, c, sinks, collect, 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean feedsOnlyTargets(Graph g, Map<String, List<Node>> consumers, Node n, Set<Node> sinks,
                                            List<Node> collect, int depth) {
        if (depth > 8) {
            return false;
        }
        if (!collect.contains(n)) {
            collect.add(n);
        }
        for (String out : n.outputs()) {
            if (g.isGraphOutput(out)) {
                return false;
            }
            for (Node c : consumers.getOrDefault(out, List.of())) {
                if (sinks.contains(c) && c.inputs().indexOf(out) == 1) {
                    continue;
                }
                boolean shapeOp = c.domain().isEmpty() && Set.of("Gather", "Unsqueeze", "Squeeze", "Concat", "Slice",
                        "Cast").contains(c.opType());
                if (!shapeOp || !feedsOnlyTargets(g, consumers, c, sinks, collect, depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A Reshape target's entries (run-time ones as {@link Long#MIN_VALUE}), or null when it cannot be read. */
    private static long[] target(Graph g, String value) {
        return ReshapeTarget.of(g, value).map(ReshapeTarget::dims).orElse(null);
    }

    private static boolean single(Graph g, Map<String, List<Node>> consumers, String value) {
        return consumers.getOrDefault(value, List.of()).size() == 1 && !g.isGraphOutput(value);
    }

    private static Node onlyConsumer(Graph g, Map<String, List<Node>> consumers, String value) {
        return single(g, consumers, value) ? consumers.get(value).get(0) : null;
    }

    private static Float scalar(Graph g, String value) {
        return g.floatScalar(value).orElse(null);
    }
}
