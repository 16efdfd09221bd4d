package dev.modelforge.compress.pass.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * MACs of a model as a function of the kept channel count of each group, without running it: every
 * Conv / Gemm / MatMul scales with the kept share of the channels it produces (a source) and of the
 * channels it reduces over (a sink); a depthwise Conv with its one channel space only.
 */
final class MacModel {
    private record Term(double macs, List<ChannelLayout> layouts) {
    }

    private final ChannelGraph cg;
    private final List<Term> terms = new ArrayList<>();

    MacModel(ChannelGraph cg, Map<String, Long> macsPerNode) {
        this.cg = cg;
        for (Map.Entry<String, Long> e : macsPerNode.entrySet()) {
            List<ChannelLayout> ls = new ArrayList<>();
            for (ChannelGraph.Edit edit : cg.edits) {
                if (!edit.node().name().equals(e.getKey())) {
                    continue;
                }
                switch (edit.kind()) {
                    case SOURCE, SINK, GROUPED_IN, DEPTHWISE -> ls.add(cg.layouts.get(edit.value()));
                    default -> {
                    }
                }
            }
            terms.add(new Term(e.getValue(), ls));
        }
    }

    /**
     * Total MACs when group {@code root} keeps {@code keep.applyAsDouble(root)} channels (negative =
     * all; fractional counts allowed, for the unrounded request).
     */
    double total(IntToDoubleFunction keep) {
        double sum = 0;
        for (Term t : terms) {
            double m = t.macs();
            for (ChannelLayout l : t.layouts()) {
                m *= keptShare(l, keep);
            }
            sum += m;
        }
        return sum;
    }

    private double keptShare(ChannelLayout l, IntToDoubleFunction keep) {
        double kept = 0;
        for (ChannelLayout.Segment s : l.segments()) {
            kept += s.repeat() * (s.space() < 0 ? s.size() : keptChannels(s.space(), s.size(), keep));
        }
        return kept / l.width();
    }

    private double keptChannels(int space, int size, IntToDoubleFunction keep) {
        int[] head = cg.derived.get(space);
        if (head != null) {
            double heads = keep.applyAsDouble(cg.find(head[0]));
            return heads < 0 ? size : heads * head[1];
        }
        double k = keep.applyAsDouble(cg.find(space));
        return k < 0 ? size : k;
    }
}
