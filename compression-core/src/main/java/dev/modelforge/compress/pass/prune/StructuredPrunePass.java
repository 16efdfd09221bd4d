package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OrtException;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.NodeReport;
import dev.modelforge.compress.pass.NothingToDoException;
import dev.modelforge.compress.pass.ParamSpec;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassReport;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.onnx.data.EvalDataset;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code prune-structured}: removes whole output channels / neurons of Conv, Gemm and MatMul,
 * following dependency groups, then (with calibration data) re-estimates BatchNorm statistics and
 * refits the next layers by least squares. The output is a smaller dense model; groups the pass
 * cannot follow are listed as skipped with the reason.
 */
public final class StructuredPrunePass implements Pass {
    public static final String NAME = "prune-structured";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "structured channel pruning along dependency groups, with BatchNorm re-estimation and least-squares "
                + "reconstruction on calibration data";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.number("ratio", 0.3, 0.0, 1.0, "share of channels removed per group, strictly between 0 and 1"),
                ParamSpec.stringList("groupRatios", "per-group ratios as group=ratio (group = first node's name)"),
                ParamSpec.stringList("exclude", "node names whose groups stay unpruned"),
                ParamSpec.choice("importance", "l2", List.of("l1", "l2", "activation"), "channel ranking"),
                ParamSpec.integer("multiple", 8, 1, 1024, "kept channel counts are rounded to a multiple of this"),
                ParamSpec.choice("isa", "none", List.of("none", "auto", "avx512", "avx2", "neon"),
                        "round to this CPU's float SIMD block instead of 'multiple' (avx512 16, avx2/neon 8; "
                                + "auto = the machine running the pass)"),
                ParamSpec.choice("rounding", "up", List.of("up", "nearest", "budget"),
                        "round kept counts up (prune at most the ratio), to the nearest multiple, or per group down "
                                + "or up keeping MACs at most those of the unrounded ratio"),
                ParamSpec.bool("pruneHeads", true, "also remove whole attention heads (q/k/v reshaped into heads)"),
                ParamSpec.bool("reconstruct", true, "refit consuming layers by least squares on calibration data"),
                ParamSpec.bool("bnRecalibration", true, "re-estimate BatchNorm statistics on calibration data"),
                ParamSpec.number("ridge", 1e-3, 0.0, 1.0, "ridge term relative to the mean diagonal of XᵀX"),
                ParamSpec.integer("calibrationSamples", 256, 1, 1_000_000, "calibration samples used for recovery"));
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        PassParams p = ctx.params();
        double ratio = p.number("ratio");
        if (!(ratio > 0 && ratio < 1)) {
            throw new PassException(NAME, "ratio must be strictly between 0 and 1 (share of channels to remove), got "
                    + ratio);
        }
        Map<String, Double> groupRatios = parseRatios(p.stringList("groupRatios"));
        StructuredPruner.Importance imp = StructuredPruner.Importance.valueOf(p.string("importance").toUpperCase(Locale.ROOT));
        EvalDataset calib = PruneData.calibration(in, ctx, NAME);
        if (imp == StructuredPruner.Importance.ACTIVATION && calib == null) {
            throw new PassException(NAME, "importance=activation needs calibration data: "
                    + ctx.audience().supplyCalibration());
        }
        PassReport.Builder rb = new PassReport.Builder(NAME, p);
        Recovery.Options rec = new Recovery.Options(p.bool("reconstruct"), p.bool("bnRecalibration"), p.number("ridge"),
                (int) p.integer("calibrationSamples"), 32, ctx.threads(), 20_000);
        SimdIsa isa = "none".equals(p.string("isa")) ? null : SimdIsa.parse(p.string("isa"));
        StructuredPruner.Result r;
        try {
            r = StructuredPruner.prune(in, new StructuredPruner.Settings(ratio, groupRatios,
                    new HashSet<>(p.stringList("exclude")), imp, (int) p.integer("multiple"), rec,
                    StructuredPruner.Rounding.valueOf(p.string("rounding").toUpperCase(Locale.ROOT)), p.bool("pruneHeads"),
                    isa),
                    calib != null ? calib : PruneData.synthetic(in), calib, ctx.threads());
        } catch (OrtException e) {
            throw new PassException(NAME, "ONNX Runtime could not run the model to analyse it: " + e.getMessage(), e);
        }
        for (StructuredPruner.Group g : r.groups()) {
            rb.node(new NodeReport(g.name(), "group", g.pruned() ? NodeAction.CONVERTED : NodeAction.SKIPPED,
                    String.format(Locale.ROOT, "%s; channels %d -> %d; members %s; MACs %d -> %d; params %d -> %d",
                            g.reason(), g.channelsBefore(), g.channelsAfter(), g.members(), g.macsBefore(),
                            g.macsAfter(), g.paramsBefore(), g.paramsAfter()), null, g.paramsBefore() * 4,
                    g.paramsAfter() * 4));
        }
        rb.note(String.format(Locale.ROOT, "MACs per sample %d -> %d (%.3fx); float params %d -> %d (%.3fx)",
                r.macsBefore(), r.macsAfter(), r.macsAfter() / (double) Math.max(1, r.macsBefore()), r.paramsBefore(),
                r.paramsAfter(), r.paramsAfter() / (double) Math.max(1, r.paramsBefore())));
        if (isa != null) {
            rb.note("kept channel counts are multiples of " + isa.floatsPerBlock() + " (isa " + p.string("isa")
                    + " = " + isa.name().toLowerCase(Locale.ROOT) + "), not of 'multiple'");
        }
        if (calib == null) {
            rb.note("no calibration data: BatchNorm re-estimation and least-squares reconstruction skipped");
        }
        r.log().forEach(rb::note);
        if (r.groups().isEmpty()) {
            throw new NothingToDoException(NAME, "no Conv/Gemm/MatMul with its own float weight (weightless or "
                    + "already quantized model): nothing to prune");
        }
        if (r.groups().stream().noneMatch(StructuredPruner.Group::pruned)) {
            throw new NothingToDoException(NAME, "no dependency group could be pruned: " + r.groups().stream()
                    .map(g -> g.name() + " (" + g.reason() + ")").toList());
        }
        return new PassResult(r.model(), rb.build(in, r.model()));
    }

    static Map<String, Double> parseRatios(List<String> entries) throws PassException {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.lastIndexOf('=');
            try {
                double v = Double.parseDouble(e.substring(eq + 1).trim());
                if (eq <= 0 || v < 0 || v >= 1) {
                    throw new NumberFormatException();
                }
                out.put(e.substring(0, eq).trim(), v);
            } catch (RuntimeException x) {
                throw new PassException(NAME, "groupRatios entry '" + e + "' must be group=ratio with 0 <= ratio < 1");
            }
        }
        return out;
    }
}
