package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.pass.ReshapeTarget;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * How reshapes carry a channel space: Flatten-like merges of the trailing axes into the channels,
 * reshapes that keep the channel axis, the split of [.., C] into attention heads [.., H, C/H] (a head
 * space pruned whole) and the merge back. The target shape is either a constant (its channel entry
 * is rewritten) or computed at run time the way exporters write dynamic batch / sequence sizes:
 * {@code Concat(Unsqueeze(Gather(Shape(x), i)), …, constant H, constant D)}. The computed form is
 * followed only when the channel entry is one of the Concat's constants and no other piece reads a
 * channel size; {@code Shape} of a channel-carrying value is allowed only when its consumers gather
 * other axes. Anything else leaves the group alone with the reason.
 */
final class ReshapeRules {
    private ReshapeRules() {
    }

    static void consume(ChannelGraph cg, Node n, List<String> tracked, ChannelLayout l) {
        long[] s = cg.shapes.get(n.input(0));
        long[] t = cg.shapes.get(n.output(0));
        if (tracked.size() != 1 || l == null || s == null || t == null || !tracked.get(0).equals(n.input(0))) {
            cg.blockAll(tracked, ChannelGraph.describe(n) + " reshapes channels in a way that cannot be followed");
            return;
        }
        int a = s.length + l.axis();
        boolean prefix = t.length > a;
        for (int i = 0; prefix && i < a; i++) {
            prefix = s[i] == t[i];
        }
        long rest = product(s, a + 1);
        long restOut = product(t, a + 1);
        boolean merge = prefix && t.length == a + 1 && t[a] == s[a] * rest;
        boolean keep = prefix && t[a] == s[a] && restOut == rest;
        boolean heads = prefix && s.length == a + 1 && t.length == a + 2 && t[a] * t[a + 1] == s[a] && t[a] > 1
                && l.segments().size() == 1 && l.segments().get(0).repeat() == 1 && l.segments().get(0).space() >= 0;
        if (!merge && !keep && !heads) {
            cg.block(l, ChannelGraph.describe(n) + " moves the channel axis (" + Arrays.toString(s) + " -> "
                    + Arrays.toString(t) + ")");
            return;
        }
        if (n.is("Reshape") && !shapeEdit(cg, n, a)) {
            cg.block(l, ChannelGraph.describe(n) + " takes a shape computed in a way that cannot be followed "
                    + "(the channel entry is not a constant of its own)");
            return;
        }
        ChannelLayout out = merge ? l.withRepeatFactor((int) rest).withAxis(-1)
                : keep ? l.withAxis(-(t.length - a)) : cg.splitIntoHeads(l, (int) t[a], (int) t[a + 1]);
        cg.layouts.put(n.output(0), out);
    }

    /** Registers the edit of entry {@code a} of the Reshape's target shape; false when it cannot be found. */
    private static boolean shapeEdit(ChannelGraph cg, Node n, int a) {
        ReshapeTarget target = ReshapeTarget.of(cg.graph, n.input(1)).orElse(null);
        if (target == null) {
            return false;
        }
        Node cat = target.concat();
        if (cat == null) {
            cg.edits.add(new ChannelGraph.Edit(n, ChannelGraph.EditKind.RESHAPE, n.output(0), 1, a));
            return true;
        }
        if (cg.uses(cat.output(0)) != 1) {
            return false;
        }
        int offset = 0;
        for (ReshapeTarget.Piece piece : target.pieces()) {
            int len = piece.length();
            if (len < 0) {
                return false; // a piece of unknown length: the channel entry cannot be located
            }
            if (a >= offset && a < offset + len) {
                if (piece.constant() == null) {
                    return false; // the channel entry is itself read from a shape
                }
                cg.edits.add(new ChannelGraph.Edit(cat, ChannelGraph.EditKind.RESHAPE, n.output(0), piece.input(),
                        a - offset));
                return true;
            }
            offset += len;
        }
        return false;
    }

    /**
     * {@code Shape} of a channel-carrying value: harmless when every consumer is a Gather of constant
     * indices other than the channel axis (dynamic batch / sequence sizes), else the group stays.
     */
    static void consumeShape(ChannelGraph cg, Node n, ChannelLayout l) {
        int r = cg.rank(n.input(0));
        int channelAxis = r + l.axis();
        String why = null;
        if (n.attribute("start").isPresent() || n.attribute("end").isPresent() || r < 0) {
            why = "with start/end";
        }
        for (Node c : cg.graph.consumers(n.output(0))) {
            Tensor idx = c.is("Gather") && c.input(0).equals(n.output(0)) ? cg.graph.initializer(c.input(1)).orElse(null)
                    : null;
            if (idx == null || idx.dataType() != DataType.INT64 && idx.dataType() != DataType.INT32) {
                why = why != null ? why : "feeding " + ChannelGraph.describe(c);
                continue;
            }
            long[] v = idx.dataType() == DataType.INT64 ? idx.longs() : Arrays.stream(idx.ints()).asLongStream().toArray();
            for (long i : v) {
                if ((i < 0 ? i + r : i) == channelAxis) {
                    why = why != null ? why : "read by " + ChannelGraph.describe(c) + " at the channel axis";
                }
            }
        }
        if (cg.graph.isGraphOutput(n.output(0))) {
            why = "a graph output";
        }
        if (why != null) {
            cg.block(l, "its size is read by " + ChannelGraph.describe(n) + " (" + why + ")");
        }
    }

    private static long product(long[] s, int from) {
        long p = 1;
        for (int i = from; i < s.length; i++) {
            p *= s[i];
        }
        return p;
    }
}
