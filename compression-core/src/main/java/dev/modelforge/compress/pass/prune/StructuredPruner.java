package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OrtException;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.onnx.data.EvalDataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structured pruning on ONNX: analyses dependency groups ({@link ChannelGraph}), ranks each
 * group's channels, removes the least important ones (kept counts rounded to a multiple), edits
 * every member ({@link ChannelSurgery}) and recovers accuracy ({@link Recovery}). Groups it cannot
 * follow are left alone and listed with the reason.
 */
public final class StructuredPruner {
    /** How channels are ranked. */
    public enum Importance { L1, L2, ACTIVATION }

    /** How an exact kept count becomes a multiple of the block (see {@link KeepCounts}). */
    public enum Rounding { UP, NEAREST, BUDGET }

    /**
     * Settings.
     *
     * @param ratio       share of channels to remove in every group, in (0,1)
     * @param groupRatios per-group overrides by group name (0 leaves the group alone)
     * @param exclude     node names: groups containing them are left alone
     * @param importance  ranking criterion
     * @param multiple    kept channel counts are a multiple of this (of the SIMD block when {@code isa} is set)
     * @param recovery    BatchNorm / least-squares settings (used when calibration data exists)
     * @param rounding    how the exact count becomes a multiple: up (never prunes more than asked), nearest,
     *                    or per group down or up within the MAC budget of the unrounded ratio
     * @param pruneHeads  remove whole attention heads (q/k/v split by a Reshape) as well
     * @param isa         round to this instruction set's float SIMD block instead of {@code multiple} (null = no)
     */
    public record Settings(double ratio, Map<String, Double> groupRatios, Set<String> exclude, Importance importance,
                           int multiple, Recovery.Options recovery, Rounding rounding, boolean pruneHeads,
                           SimdIsa isa) {
        /** Rounds kept counts up (never prunes more than asked); attention heads pruned too. */
        public Settings(double ratio, Map<String, Double> groupRatios, Set<String> exclude, Importance importance,
                        int multiple, Recovery.Options recovery) {
            this(ratio, groupRatios, exclude, importance, multiple, recovery, Rounding.UP, true, null);
        }

        int unit() {
            return isa != null ? isa.floatsPerBlock() : multiple;
        }
    }

    /** One dependency group and what happened to it. */
    public record Group(String name, List<String> members, int channelsBefore, int channelsAfter, boolean pruned,
                        String reason, long macsBefore, long macsAfter, long paramsBefore, long paramsAfter) {
    }

    /** The pruned model and its account. */
    public record Result(Model model, List<Group> groups, long macsBefore, long macsAfter, long paramsBefore,
                         long paramsAfter, List<String> log) {
    }

    private StructuredPruner() {
    }

    /** Analyses groups only (no pruning): names, sizes and block reasons, for search and reports. */
    public static List<Group> groups(Model in, EvalDataset probe, int threads) throws OrtException {
        return prune(in, new Settings(0, Map.of(), Set.of(), Importance.L2, 1, null), probe, null, threads).groups();
    }

    /**
     * Prunes a copy of {@code in}.
     *
     * @param probe data for the shape probe and activation importance (calibration or synthetic)
     * @param calib calibration data for recovery, or null to skip recovery
     */
    public static Result prune(Model in, Settings s, EvalDataset probe, EvalDataset calib, int threads)
            throws OrtException {
        Model base = in.copy();
        base.graph().sortTopologically();
        Graph g = base.graph();
        // one probe run serves the channel analysis and the MAC count
        Set<String> probed = new LinkedHashSet<>(ChannelOps.probeValues(g));
        probed.addAll(Costs.linearOutputs(g));
        Map<String, long[]> shapes = PruneData.probeShapes(base, probed, probe, threads);
        ChannelGraph cg = new ChannelGraph(g, shapes);
        cg.analyse();
        Map<Integer, double[]> scores = importance(cg, base, s.importance(), probe, threads);
        Map<String, Long> macsBefore = Costs.macsPerNode(base, shapes);
        List<String> log = new ArrayList<>();
        List<KeepCounts.Want> wants = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        for (int root : cg.roots()) {
            List<String> names = memberNames(cg, root);
            boolean heads = cg.spaceSource.get(root) == null;
            String name = heads ? names.get(0) + "#heads" : cg.spaceSource.get(root).name();
            int runs = cg.equalRuns(root);
            int unit = ChannelGraph.lcm(heads ? 1 : s.unit(), runs); // heads are counted one by one
            int size = cg.spaceSize.get(root);
            List<String> reasons = cg.blockReasons(root);
            double ratio = s.groupRatios().getOrDefault(name, s.ratio());
            String reason = null;
            if (size % runs != 0) {
                reasons.add("grouped Conv runs of " + runs + " do not divide its " + size + " channels");
            }
            if (!reasons.isEmpty()) {
                reason = "left alone: " + String.join("; ", reasons);
            } else if (names.stream().anyMatch(s.exclude()::contains)) {
                reason = "left alone: excluded";
            } else if (heads && !s.pruneHeads()) {
                reason = "left alone: head pruning disabled";
            } else if (ratio <= 0) {
                reason = "left alone: ratio 0";
            } else {
                wants.add(new KeepCounts.Want(root, size, unit, size * (1 - ratio)));
                reason = "rounding to a multiple of " + unit + (s.rounding() == Rounding.BUDGET ? " within the MAC budget" : "");
            }
            groups.add(new Group(name, names, size, size, false, reason, 0, 0, 0, 0));
        }
        Map<Integer, Integer> keep = KeepCounts.choose(s.rounding(), wants, () -> new MacModel(cg, macsBefore), scores, log);
        Map<Integer, boolean[]> masks = new LinkedHashMap<>();
        List<Integer> roots = cg.roots();
        for (int i = 0; i < groups.size(); i++) {
            Group gr = groups.get(i);
            int root = roots.get(i);
            int k = keep.getOrDefault(root, gr.channelsBefore());
            String reason = gr.reason();
            if (keep.containsKey(root)) {
                reason = k == gr.channelsBefore() ? "left alone: " + reason + " keeps all " + k
                        : "pruned by " + s.importance().name().toLowerCase() + " importance"
                        + (cg.equalRuns(root) > 1 ? ", evenly in " + cg.equalRuns(root) + " Conv groups" : "");
            }
            if (k < gr.channelsBefore()) {
                masks.put(root, topK(scores.get(root), k, cg.equalRuns(root)));
            }
            groups.set(i, new Group(gr.name(), gr.members(), gr.channelsBefore(), k, k < gr.channelsBefore(), reason,
                    0, 0, 0, 0));
        }
        Model out = base.copy();
        Map<String, boolean[]> changed = ChannelSurgery.apply(out.graph(), cg, sp -> spaceMask(cg, masks, sp));
        if (calib != null && !changed.isEmpty() && s.recovery() != null
                && (s.recovery().reconstruct() || s.recovery().batchNorm())) {
            Recovery r = new Recovery(base, calib, s.recovery());
            r.run(out, changed);
            log.addAll(r.log());
        }
        Map<String, Long> macsAfter = changed.isEmpty() ? macsBefore : Costs.macsPerNode(out, probe, threads);
        List<Group> withCosts = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Group gr = groups.get(i);
            long mb = 0;
            long ma = 0;
            long pb = 0;
            long pa = 0;
            for (String node : gr.members()) {
                mb += macsBefore.getOrDefault(node, 0L);
                ma += macsAfter.getOrDefault(node, 0L);
                pb += Costs.weightParams(base, node);
                pa += Costs.weightParams(out, node);
            }
            withCosts.add(new Group(gr.name(), gr.members(), gr.channelsBefore(), gr.channelsAfter(), gr.pruned(),
                    gr.reason(), mb, ma, pb, pa));
        }
        return new Result(out, withCosts, sum(macsBefore), sum(macsAfter), Costs.params(base), Costs.params(out), log);
    }

    /** A space's keep mask: its group's, or for a head-split space its heads' expanded to channels. */
    private static boolean[] spaceMask(ChannelGraph cg, Map<Integer, boolean[]> masks, int sp) {
        int[] head = cg.derived.get(sp);
        if (head == null) {
            return masks.get(cg.find(sp));
        }
        boolean[] hm = masks.get(cg.find(head[0]));
        if (hm == null) {
            return null;
        }
        boolean[] m = new boolean[hm.length * head[1]];
        for (int c = 0; c < m.length; c++) {
            m[c] = hm[c / head[1]];
        }
        return m;
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The {@code keep} best channels, the same number from each of {@code runs} equal runs. */
    private static boolean[] topK(double[] score, int keep, int runs) {
        int len = score.length / runs;
        boolean[] m = new boolean[score.length];
        for (int r = 0; r < runs; r++) {
            int base = r * len;
            Integer[] idx = new Integer[len];
            for (int i = 0; i < len; i++) {
                idx[i] = base + i;
            }
            java.util.Arrays.sort(idx, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : a - b);
            for (int i = 0; i < keep / runs; i++) {
                m[idx[i]] = true;
            }
        }
        return m;
    }

    private static List<String> memberNames(ChannelGraph cg, int root) {
        Set<String> names = new LinkedHashSet<>();
        for (int sp : cg.members(root)) {
            if (cg.spaceSource.get(sp) != null) {
                names.add(cg.spaceSource.get(sp).name());
            }
            cg.derived.forEach((ch, head) -> {
                if (head[0] == sp) {
                    names.add(cg.spaceSource.get(ch).name());
                }
            });
        }
        for (ChannelGraph.Edit e : cg.edits) {
            ChannelLayout l = cg.layouts.get(e.value());
            if (l != null && l.segments().stream().anyMatch(x -> x.space() >= 0 && cg.find(x.space()) == root)
                    && (e.kind() == ChannelGraph.EditKind.SINK || e.kind() == ChannelGraph.EditKind.DEPTHWISE
                    || e.kind() == ChannelGraph.EditKind.GROUPED_IN)) {
                names.add(e.node().name());
            }
        }
        return new ArrayList<>(names);
    }

    private static Map<Integer, double[]> importance(ChannelGraph cg, Model base, Importance imp, EvalDataset probe, int threads)
            throws OrtException {
        Map<Integer, double[]> out = new LinkedHashMap<>();
        for (int sp = 0; sp < cg.spaceSize.size(); sp++) {
            out.computeIfAbsent(cg.find(sp), k -> new double[cg.spaceSize.get(k)]);
        }
        if (imp == Importance.ACTIVATION) {
            List<String> values = cg.edits.stream().filter(e -> e.kind() == ChannelGraph.EditKind.SINK
                            || e.kind() == ChannelGraph.EditKind.GROUPED_IN)
                    .map(ChannelGraph.Edit::value).distinct().toList();
            Map<String, double[]> acc = new LinkedHashMap<>();
            Activations.forEachBatch(base, values, null, null, probe, 256, 32, threads,
                    (a, b) -> a.forEach((k, v) -> accumulateAbs(acc, k, v, cg.layouts.get(k))));
            for (Map.Entry<String, double[]> e : acc.entrySet()) {
                ChannelLayout l = cg.layouts.get(e.getKey());
                int p = 0;
                for (ChannelLayout.Segment seg : l.segments()) {
                    double[] vals = new double[seg.size()];
                    for (int c = 0; c < seg.size(); c++) {
                        for (int r = 0; r < seg.repeat(); r++) {
                            vals[c] += e.getValue()[p++];
                        }
                    }
                    if (seg.space() >= 0) {
                        addNormalised(out.get(cg.find(seg.space())), vals);
                    }
                }
            }
            return out;
        }
        for (int sp = 0; sp < cg.spaceSize.size(); sp++) {
            Node n = cg.spaceSource.get(sp);
            if (n == null) {
                continue; // a head space: scored from the channels it was split from, below
            }
            Tensor w = cg.graph.initializer(n.input(1)).orElseThrow();
            int axis = n.is("Conv") ? 0 : n.is("Gemm") ? (n.attrInt("transB", 0) == 1 ? 0 : 1) : 1;
            double[] norms = Costs.norms(w, axis, imp == Importance.L1);
            bnScale(cg, n, norms);
            addNormalised(out.get(cg.find(sp)), norms);
            int[] head = cg.derived.get(sp);
            if (head != null) {
                double[] perHead = new double[norms.length / head[1]];
                for (int c = 0; c < norms.length; c++) {
                    perHead[c / head[1]] += norms[c];
                }
                addNormalised(out.get(cg.find(head[0])), perHead);
            }
        }
        return out;
    }

    private static void accumulateAbs(Map<String, double[]> acc, String k, Activations.Value v, ChannelLayout l) {
        int axis = v.shape().length + l.axis();
        int width = v.dim(axis);
        int inner = 1;
        for (int i = axis + 1; i < v.shape().length; i++) {
            inner *= (int) v.shape()[i];
        }
        double[] a = acc.computeIfAbsent(k, x -> new double[width]);
        float[] d = v.data();
        for (int i = 0; i < d.length; i++) {
            a[(i / inner) % width] += Math.abs(d[i]);
        }
    }

    /** Multiplies by the BatchNorm scale |γ|/σ when the source feeds exactly one BatchNormalization. */
    private static void bnScale(ChannelGraph cg, Node src, double[] norms) {
        List<Node> cons = cg.graph.consumers(src.output(0));
        if (cons.size() == 1 && cons.get(0).is("BatchNormalization")) {
            Node bn = cons.get(0);
            float[] gamma = cg.graph.initializer(bn.input(1)).map(Tensor::floats).orElse(null);
            float[] var = cg.graph.initializer(bn.input(4)).map(Tensor::floats).orElse(null);
            if (gamma != null && var != null && gamma.length == norms.length) {
                double eps = bn.attrFloat("epsilon", 1e-5f);
                for (int i = 0; i < norms.length; i++) {
                    norms[i] *= Math.abs(gamma[i]) / Math.sqrt(var[i] + eps);
                }
            }
        }
    }

    private static void addNormalised(double[] into, double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean = mean / v.length;
        for (int i = 0; i < v.length && i < into.length; i++) {
            into[i] += mean > 0 ? v[i] / mean : v[i];
        }
    }
}
