package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.calibrate.ActivationType;
import dev.modelforge.compress.calibrate.CalibrationResult;
import dev.modelforge.compress.calibrate.QuantParams;
import dev.modelforge.compress.calibrate.TensorRange;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.NodeReport;
import dev.modelforge.compress.pass.PassReport;
import dev.modelforge.compress.pass.ScaleSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the plan, calibration and rewrite details into per-node report entries. */
final class QdqReport {

    private QdqReport() {
    }

    /** What the report says about each quantized node; taken before the rewrite renames its inputs. */
    record Details(Map<Node, String> text, Map<Node, QuantParams> output) {
    }

    static Details capture(QdqPlan plan, CalibrationResult calibration, Map<String, QuantParams> rootParams,
                           ActivationType type) {
        Map<Node, String> text = new java.util.HashMap<>();
        Map<Node, QuantParams> output = new java.util.HashMap<>();
        for (QdqPlan.Decision d : plan.decisions()) {
            text.put(d.node(), describe(d.node(), plan, calibration, rootParams, type));
            QuantParams out = paramsOf(d.node(), plan, rootParams);
            if (out != null) {
                output.put(d.node(), out);
            }
        }
        return new Details(text, output);
    }

    static void addNodes(PassReport.Builder report, List<BatchNormFolding.Fold> folds, QdqPlan plan,
                         Details details, Map<Node, QdqRewriter.WeightInfo> weights) {
        for (BatchNormFolding.Fold f : folds) {
            report.node(NodeReport.untouched(f.batchNorm(), "BatchNormalization", NodeAction.CONVERTED,
                    "folded into Conv " + f.conv()));
        }
        int index = 0;
        for (QdqPlan.Decision d : plan.decisions()) {
            Node n = d.node();
            String name = n.name().isEmpty() ? n.opType() + "#" + index : n.name();
            index++;
            switch (d.kind()) {
                case QUANTIZE_WEIGHTED, QUANTIZE, SHARE_PARAMS -> {
                    String detail = details.text().getOrDefault(n, "");
                    String reason = (d.reason().isEmpty() ? "" : d.reason() + "; ") + detail;
                    QdqRewriter.WeightInfo w = weights.get(n);
                    if (w != null) {
                        if (w.clampedBias() > 0) {
                            reason += "; " + w.clampedBias() + " bias value(s) clamped to int32";
                        }
                        report.node(new NodeReport(name, n.opType(), NodeAction.QUANTIZED, reason,
                                ScaleSummary.of(w.weightScales(), null), w.bytesBefore(), w.bytesAfter()));
                    } else {
                        QuantParams out = details.output().get(n);
                        report.node(new NodeReport(name, n.opType(), NodeAction.QUANTIZED, reason,
                                out == null ? null : ScaleSummary.of(new float[] {out.scale()},
                                        new int[] {out.zeroPoint()}), 0, 0));
                    }
                }
                case WEIGHT_ONLY -> {
                    QdqRewriter.WeightInfo w = weights.get(n);
                    report.node(new NodeReport(name, n.opType(), NodeAction.KEPT_FLOAT, d.reason(),
                            w == null ? null : ScaleSummary.of(w.weightScales(), null),
                            w == null ? 0 : w.bytesBefore(), w == null ? 0 : w.bytesAfter()));
                }
                case FOLD_ACTIVATION -> report.node(NodeReport.untouched(name, n.opType(), NodeAction.CONVERTED,
                        d.reason()));
                case EXCLUDED -> report.node(NodeReport.untouched(name, n.opType(), NodeAction.SKIPPED, d.reason()));
                case KEEP_FLOAT -> report.node(NodeReport.untouched(name, n.opType(), NodeAction.KEPT_FLOAT,
                        d.reason()));
            }
        }
    }

    /** A node whose ReLU was folded away produces the ReLU's output. */
    private static List<String> outputsAfterFolding(Node n, QdqPlan plan) {
        for (Map.Entry<Node, Node> e : plan.folded().entrySet()) {
            if (e.getValue() == n) {
                return e.getKey().outputs();
            }
        }
        return n.outputs();
    }

    private static QuantParams paramsOf(Node n, QdqPlan plan, Map<String, QuantParams> rootParams) {
        for (String out : outputsAfterFolding(n, plan)) {
            if (plan.isQuantized(out)) {
                return rootParams.get(plan.root(out));
            }
        }
        return null;
    }

    /** e.g. {@code in x∈[0, 3.1] s=0.0122 zp=0; out y∈[0, 5.2] s=0.0204 zp=0}. */
    private static String describe(Node n, QdqPlan plan, CalibrationResult calibration,
                                   Map<String, QuantParams> rootParams, ActivationType type) {
        List<String> parts = new ArrayList<>();
        for (String in : n.inputs()) {
            if (plan.isQuantized(in)) {
                parts.add("in " + tensor(in, plan, calibration, rootParams, type));
            }
        }
        for (String out : outputsAfterFolding(n, plan)) {
            if (plan.isQuantized(out)) {
                parts.add("out " + tensor(out, plan, calibration, rootParams, type));
            }
        }
        return String.join("; ", parts);
    }

    private static String tensor(String t, QdqPlan plan, CalibrationResult calibration,
                                 Map<String, QuantParams> rootParams, ActivationType type) {
        String root = plan.root(t);
        QuantParams p = rootParams.get(root);
        TensorRange r = calibration.range(root, type);
        String shared = root.equals(t) ? "" : " (shares " + root + ")";
        return String.format(Locale.ROOT, "%s∈[%.4g, %.4g]%s s=%.4g zp=%d%s", t, r.low(), r.high(),
                r.clips() ? String.format(Locale.ROOT, " of observed [%.4g, %.4g]", r.observedMin(), r.observedMax())
                        : "", p.scale(), p.zeroPoint(), shared);
    }
}
