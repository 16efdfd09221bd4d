package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ops that move channel runs around without reducing over them: Concat (runs laid side by side),
 * Split (cut only between runs), Transpose (the channel axis moves) and attention's batched MatMuls
 * (both operands carry the same heads on a batch axis, so their head spaces are joined).
 */
final class LayoutRules {
    private LayoutRules() {
    }

    static void concat(ChannelGraph cg, Node n, List<String> tracked) {
        int a0 = cg.rank(n.output(0));
        long axisAttr = n.attrInt("axis", 0);
        int axis = (int) (axisAttr < 0 ? axisAttr : axisAttr - a0);
        List<ChannelLayout.Segment> segs = new ArrayList<>();
        for (String in : n.inputs()) {
            ChannelLayout l = cg.layouts.get(in);
            long[] s = cg.graph.initializer(in).map(Tensor::shape).orElse(cg.shapes.get(in));
            if (l != null && l.axis() != axis || l == null && s == null) {
                cg.blockAll(tracked, "Concat " + ChannelGraph.describe(n) + " along another axis than the channels");
                return;
            }
            if (l != null) {
                segs.addAll(l.segments());
            } else {
                segs.add(new ChannelLayout.Segment(-1, (int) s[s.length + axis], 1));
            }
        }
        cg.layouts.put(n.output(0), new ChannelLayout(axis, segs));
    }

    static void split(ChannelGraph cg, Node n, List<String> tracked, ChannelLayout l) {
        int r = cg.rank(n.input(0));
        long axisAttr = n.attrInt("axis", 0);
        int axis = (int) (axisAttr < 0 ? axisAttr : axisAttr - r);
        if (tracked.size() != 1 || l == null || axis != l.axis()) {
            cg.blockAll(tracked, "Split " + ChannelGraph.describe(n) + " along another axis or of its split sizes");
            return;
        }
        int seg = 0;
        Map<String, ChannelLayout> outs = new LinkedHashMap<>();
        for (String o : n.outputs()) {
            long[] s = cg.shapes.get(o);
            if (s == null) {
                cg.block(l, "Split " + ChannelGraph.describe(n) + " output of unknown shape");
                return;
            }
            long want = s[s.length + axis];
            List<ChannelLayout.Segment> part = new ArrayList<>();
            long got = 0;
            while (got < want && seg < l.segments().size()) {
                ChannelLayout.Segment sg = l.segments().get(seg++);
                part.add(sg);
                got += (long) sg.size() * sg.repeat();
            }
            if (got != want) {
                cg.block(l, "Split " + ChannelGraph.describe(n) + " cuts through a prunable channel run");
                return;
            }
            outs.put(o, new ChannelLayout(axis, part));
        }
        cg.layouts.putAll(outs);
    }

    static void transpose(ChannelGraph cg, Node n, ChannelLayout l, List<String> tracked) {
        List<Long> perm = n.attrInts("perm");
        int r = cg.rank(n.input(0));
        if (l == null || tracked.size() != 1 || perm.size() != r) {
            cg.blockAll(tracked, ChannelGraph.describe(n) + " without an explicit permutation");
            return;
        }
        int newAbs = perm.indexOf((long) (r + l.axis()));
        cg.layouts.put(n.output(0), l.withAxis(newAbs - r));
    }

    /** Attention MatMuls: both operands carry the same heads on a batch axis (not the two matrix axes). */
    static void batchedMatMul(ChannelGraph cg, Node n, List<String> tracked) {
        ChannelLayout a = cg.layouts.get(n.input(0));
        ChannelLayout b = cg.layouts.get(n.input(1));
        if (a == null || b == null || a.axis() != b.axis() || a.axis() > -3 || !a.sameStructure(b)) {
            cg.blockAll(tracked, ChannelGraph.describe(n) + " multiplies channels with a tensor that does not carry them alike");
            return;
        }
        for (int i = 0; i < a.segments().size(); i++) {
            if (a.segments().get(i).space() >= 0 && b.segments().get(i).space() >= 0) {
                cg.union(a.segments().get(i).space(), b.segments().get(i).space());
            }
        }
        cg.layouts.put(n.output(0), a);
    }
}
