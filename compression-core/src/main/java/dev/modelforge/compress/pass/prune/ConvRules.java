package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

/**
 * How a Conv reads a channel space. A plain Conv (group 1) reduces over all input channels: a sink.
 * A depthwise Conv (one filter per channel) passes the space through. A grouped Conv
 * (1 &lt; group &lt; channels) reduces within each of its {@code group} runs of input channels, so it
 * is a sink whose weight is sliced per group, and the space must lose the same number of channels in
 * every run (group count and equal group sizes stay, as ONNX requires). Its own output channels form
 * a new space with the same constraint over its output runs (opened by {@link ChannelGraph}).
 */
final class ConvRules {
    private ConvRules() {
    }

    static void consume(ChannelGraph cg, Node n, ChannelLayout l) {
        String in = n.input(0);
        Tensor w = cg.graph.initializer(n.input(1)).orElse(null);
        long group = n.attrInt("group", 1);
        if (w == null || cg.rank(in) + l.axis() != 1 || !cg.ownFloatWeight(n, 1)) {
            cg.block(l, "Conv " + ChannelGraph.describe(n) + " weight is computed, shared or not float");
            return;
        }
        boolean plainRuns = l.segments().stream().allMatch(s -> s.repeat() == 1);
        if (group == 1 && plainRuns) {
            cg.edits.add(new ChannelGraph.Edit(n, ChannelGraph.EditKind.SINK, in, 1, 1));
            return;
        }
        if (group == l.width() && w.dim(0) == group && w.dim(1) == 1 && plainRuns
                && (n.input(2).isEmpty() || cg.biasOk(n.input(2), (int) group))) {
            cg.edits.add(new ChannelGraph.Edit(n, ChannelGraph.EditKind.DEPTHWISE, in, 1, 0));
            cg.layouts.put(n.output(0), l);
            return;
        }
        String what = "grouped Conv " + ChannelGraph.describe(n) + " (group=" + group + ")";
        if (group <= 1 || l.width() % group != 0 || w.dim(1) * group != l.width()) {
            cg.block(l, what + " consumes the channels in a layout it cannot follow");
        } else if (w.dim(1) == 1) {
            cg.block(l, what + " has one input channel per group: its inputs could only go with whole groups");
        } else if (l.segments().size() != 1 || !plainRuns || l.segments().get(0).space() < 0) {
            cg.block(l, what + " reads channels joined from several sources");
        } else {
            cg.requireEqualRuns(l.segments().get(0).space(), (int) group);
            cg.edits.add(new ChannelGraph.Edit(n, ChannelGraph.EditKind.GROUPED_IN, in, 1, (int) group));
        }
    }

    /** Input weight slice of a grouped Conv: row o (group o / rowsPerGroup) keeps its group's kept channels. */
    static Tensor sliceGroupedInput(Tensor w, int groups, boolean[] mask) {
        long[] s = w.shape();
        int rows = (int) s[0];
        int perGroup = (int) s[1];
        int inner = 1;
        for (int i = 2; i < s.length; i++) {
            inner *= (int) s[i];
        }
        if (perGroup * groups != mask.length || rows % groups != 0) {
            throw new IllegalStateException("mask of " + mask.length + " for grouped Conv weight " + w);
        }
        int kept = ChannelSurgery.count(mask) / groups;
        for (int g = 0; g < groups; g++) {
            if (ChannelSurgery.count(java.util.Arrays.copyOfRange(mask, g * perGroup, (g + 1) * perGroup)) != kept) {
                throw new IllegalStateException("uneven channel mask over the groups of " + w);
            }
        }
        float[] src = w.floats();
        float[] dst = new float[rows * kept * inner];
        int p = 0;
        for (int o = 0; o < rows; o++) {
            int g = o / (rows / groups);
            for (int i = 0; i < perGroup; i++) {
                if (mask[g * perGroup + i]) {
                    System.arraycopy(src, (o * perGroup + i) * inner, dst, p, inner);
                    p += inner;
                }
            }
        }
        long[] ns = s.clone();
        ns[1] = kept;
        return Tensor.ofFloats(w.name(), ns, dst);
    }
}
