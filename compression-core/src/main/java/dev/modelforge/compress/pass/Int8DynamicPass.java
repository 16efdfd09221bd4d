package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import ai.onnxruntime.OrtException;
import dev.modelforge.compress.pass.prune.PruneData;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dynamic int8 quantization of MatMul/Gemm weights. Each eligible node becomes
 * {@code DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, W_zp) → Cast → Mul(x_scale · W_scale)
 * [→ Add(bias)]}, the exact shape ONNX Runtime fuses into {@code MatMulIntegerToFloat} and then
 * {@code DynamicQuantizeMatMul}. Each MatMul gets its own DynamicQuantizeLinear because ORT only
 * fuses one whose outputs feed a single MatMulInteger.
 *
 * <p>Self-attention written out in plain ops (q/k/v projections, head split, scores, Softmax, head merge) becomes
 * one {@code com.microsoft.QAttention} with the three weights packed into one int8 matrix ({@link AttentionFusion};
 * {@code fuseAttention=false} keeps the MatMul-by-MatMul form).
 *
 * <p>Conv is never quantized here: ORT's ConvInteger is far slower than float Conv on CPU (use
 * int8-static). Weights are int8 symmetric (zero point 0), per tensor or per output column.
 */
public final class Int8DynamicPass implements Pass {
    /** DynamicQuantizeLinear exists from opset 11. */
    public static final long MIN_OPSET = 11;

    @Override
    public String name() {
        return "int8-dynamic";
    }

    @Override
    public String description() {
        return "int8 weights for MatMul/Gemm with activations quantized at run time (ORT DynamicQuantizeMatMul)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.bool("perChannel", true, "one scale per output column instead of one per weight"),
                ParamSpec.bool("reduceRange", false, "7-bit weights, for CPUs without VNNI where u8s8 products saturate"),
                ParamSpec.bool("quantizeGemm", true, "also quantize Gemm (not only MatMul)"),
                ParamSpec.bool("fuseAttention", true,
                        "run each plain self-attention block as one int8 QAttention (q/k/v packed, heads split inside)"),
                ParamSpec.integer("minWeightElements", 0, 0, Integer.MAX_VALUE,
                        "leave weights with fewer elements in float (not worth a quantize step)"),
                ParamSpec.stringList("excludeNodes", "node names to keep in float"));
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        PassParams p = ctx.params();
        AlreadyQuantized.refuse(in.graph(), name());
        PassReport.Builder report = new PassReport.Builder(name(), p);
        Model out = in.copy();
        Graph g = out.graph();
        boolean perChannel = p.bool("perChannel");
        int qmax = p.bool("reduceRange") ? 63 : 127;
        Set<String> excluded = new HashSet<>(p.stringList("excludeNodes"));
        report.noteUnknownNodes("excludeNodes", excluded, g);
        Map<String, String[]> quantizedWeights = new HashMap<>();
        List<AttentionFusion.Block> blocks = p.bool("fuseAttention")
                ? attentionBlocks(in, g, excluded, p.integer("minWeightElements"), perChannel, ctx, report) : List.of();
        Set<Node> fused = new HashSet<>();
        blocks.forEach(b -> fused.addAll(b.removed()));
        List<Node> original = new ArrayList<>(g.nodes());
        List<Runnable> rewrites = new ArrayList<>();
        for (int i = 0; i < original.size(); i++) {
            Node node = original.get(i);
            String display = LinearOp.displayName(node, i);
            if (fused.contains(node)) {
                continue;
            }
            if (node.is("Conv")) {
                report.node(NodeReport.untouched(display, "Conv", NodeAction.SKIPPED,
                        "Conv is not dynamically quantized for CPU: ORT's ConvInteger is much slower than float Conv; use int8-static"));
                continue;
            }
            if (!node.is("MatMul") && !node.is("Gemm")) {
                reportOther(g, node, display, report);
                continue;
            }
            if (node.is("Gemm") && !p.bool("quantizeGemm")) {
                report.node(NodeReport.untouched(display, "Gemm", NodeAction.SKIPPED, "quantizeGemm=false"));
                continue;
            }
            LinearOp op = LinearOp.eligible(g, node, display, excluded, p.integer("minWeightElements"), report);
            if (op == null) {
                continue;
            }
            String wKey = op.weight().name() + (op.transposed() ? "^T" : "");
            String[] wq = quantizedWeights.get(wKey);
            ScaleSummary summary;
            long bytesAfter;
            if (wq == null) {
                Int8Quantizer.Result q = Int8Quantizer.quantize(op.weightKN(), op.k(), op.n(), perChannel, qmax);
                long[] shape = {op.k(), op.n()};
                String base = op.weight().name();
                String qName = g.uniqueName(base + "_q");
                String sName = g.uniqueName(base + "_s");
                String zName = g.uniqueName(base + "_zp");
                long[] sShape = perChannel ? new long[] {op.n()} : new long[0];
                g.putInitializer(Tensor.ofInt8(qName, shape, q.values()));
                g.putInitializer(Tensor.ofFloats(sName, sShape, q.scales()));
                // One scalar zero point serves per-column scales too (symmetric: always 0), saving N bytes per weight.
                g.putInitializer(Tensor.ofInt8(zName, new long[0], new byte[1]));
                wq = new String[] {qName, sName, zName};
                quantizedWeights.put(wKey, wq);
                summary = ScaleSummary.of(q.scales(), null);
                bytesAfter = q.values().length + q.scales().length * 5L;
            } else {
                summary = ScaleSummary.of(g.initializer(wq[1]).orElseThrow().floats(), null);
                bytesAfter = 0;
            }
            String[] weightNames = wq;
            rewrites.add(() -> rewrite(g, op, weightNames));
            report.node(new NodeReport(display, node.opType(), NodeAction.QUANTIZED,
                    (perChannel ? "per-column" : "per-tensor") + " int8 weight " + op.k() + "x" + op.n()
                            + (op.bias().isEmpty() ? "" : " with bias"), summary, op.weight().byteSize(), bytesAfter));
        }
        if (rewrites.isEmpty() && blocks.isEmpty()) {
            throw new NothingToDoException(name(), "no MatMul/Gemm with a constant 2-D float weight to quantize"
                    + reasons(report));
        }
        Opsets.requireDefault(out, MIN_OPSET, name()).ifPresent(report::note);
        rewrites.forEach(Runnable::run);
        if (!blocks.isEmpty()) {
            Opsets.requireDomain(out, Node.MICROSOFT_DOMAIN, 1);
            Map<String, String> int32Masks = new HashMap<>();
            blocks.forEach(b -> AttentionFusion.rewrite(g, b, perChannel, qmax, int32Masks));
            g.sortTopologically();
        }
        g.removeUnusedInitializers();
        return new PassResult(out, report.build(in, out));
    }

    private void rewrite(Graph g, LinearOp op, String[] wq) {
        Node node = op.node();
        String base = node.name().isEmpty() ? g.uniqueName(node.opType()) : node.name();
        String y = node.output(0);
        String xq = g.uniqueName(base + "_xq");
        String xs = g.uniqueName(base + "_xs");
        String xz = g.uniqueName(base + "_xzp");
        String acc = g.uniqueName(base + "_i32");
        String accF = g.uniqueName(base + "_f32");
        String scale = g.uniqueName(base + "_sp");
        List<Node> nodes = new ArrayList<>();
        nodes.add(Node.of(g.uniqueName(base + "_dql"), "DynamicQuantizeLinear", List.of(op.activation()),
                List.of(xq, xs, xz)));
        nodes.add(Node.of(g.uniqueName(base + "_mmi"), "MatMulInteger", List.of(xq, wq[0], xz, wq[2]),
                List.of(acc)));
        nodes.add(Node.of(g.uniqueName(base + "_cast"), "Cast", List.of(acc), List.of(accF))
                .setAttr("to", (long) DataType.FLOAT.onnxCode()));
        nodes.add(Node.of(g.uniqueName(base + "_smul"), "Mul", List.of(xs, wq[1]), List.of(scale)));
        if (op.bias().isEmpty()) {
            nodes.add(Node.of(g.uniqueName(base + "_mul"), "Mul", List.of(accF, scale), List.of(y)));
        } else {
            String scaled = g.uniqueName(base + "_scaled");
            nodes.add(Node.of(g.uniqueName(base + "_mul"), "Mul", List.of(accF, scale), List.of(scaled)));
            nodes.add(Node.of(g.uniqueName(base + "_add"), "Add", List.of(scaled, op.bias()), List.of(y)));
        }
        g.replace(node, nodes);
    }

    /**
     * The attention blocks to fuse, each reported on its three projections. A block is kept only when a probe run
     * (seeded synthetic inputs) shows its input and output are [batch, tokens, hidden], the layout QAttention
     * requires; blocks with an excluded or too-small projection stay unfused.
     */
    private static List<AttentionFusion.Block> attentionBlocks(Model in, Graph g, Set<String> excluded,
                                                               long minWeightElements, boolean perChannel,
                                                               PassContext ctx, PassReport.Builder report)
            throws PassException {
        List<AttentionFusion.Block> candidates = new ArrayList<>();
        for (AttentionFusion.Match m : AttentionFusion.find(g, in.defaultOpset())) {
            AttentionFusion.Block b = m.block();
            if (b == null) {
                report.note("attention around Softmax not fused: " + m.reason());
            } else if (b.projections().stream().anyMatch(op -> excluded.contains(op.node().name()))) {
                report.note("attention at " + b.softmax().name() + " not fused: a projection is in excludeNodes");
            } else if (b.projections().stream().anyMatch(op -> op.weight().elementCount() < minWeightElements)) {
                report.note("attention at " + b.softmax().name() + " not fused: a projection is below minWeightElements");
            } else {
                candidates.add(b);
            }
        }
        if (candidates.isEmpty()) {
            return candidates;
        }
        Map<String, long[]> shapes;
        EvalDataset probe;
        try {
            probe = PruneData.synthetic(in);
            List<String> values = new ArrayList<>();
            candidates.forEach(b -> {
                values.addAll(List.of(b.input(), b.output()));
                if (b.mask() != null) {
                    values.addAll(List.of(b.mask().source(), b.mask().expanded()));
                }
            });
            shapes = PruneData.probeShapes(in, values, probe, ctx.threads());
        } catch (OrtException | RuntimeException e) {
            report.note("attention not fused: the shape probe run failed (" + e.getMessage() + ")");
            return List.of();
        }
        List<AttentionFusion.Block> blocks = new ArrayList<>();
        for (AttentionFusion.Block b : candidates) {
            long[] x = shapes.get(b.input());
            long[] y = shapes.get(b.output());
            if (x == null || y == null || x.length != 3 || y.length != 3 || y[2] != b.hidden()) {
                report.note("attention at " + b.softmax().name() + " not fused: its input or output is not "
                        + "[batch, tokens, hidden] (probed " + Arrays.toString(x) + " → " + Arrays.toString(y) + ")");
                continue;
            }
            if (b.mask() != null) {
                // a mask that is a graph input (the probe cannot expose those) has the shape the probe fed it
                NdArray fed = probe.inputs().get(b.mask().source());
                long[] m = fed != null ? fed.shape() : shapes.get(b.mask().source());
                long[] e = shapes.get(b.mask().expanded());
                if (m == null || e == null || m.length != 2 || e.length != 4 || e[1] != 1 || e[2] != 1
                        || m[0] != x[0] || m[1] != x[1] || e[3] != x[1]) {
                    report.note("attention at " + b.softmax().name() + " not fused: its mask is not a [batch, tokens] "
                            + "tensor broadcast to [batch, 1, 1, tokens] (probed " + Arrays.toString(m) + " → "
                            + Arrays.toString(e) + ")");
                    continue;
                }
            }
            blocks.add(b);
            for (LinearOp op : b.projections()) {
                report.node(new NodeReport(op.node().name(), "MatMul", NodeAction.QUANTIZED,
                        "fused with the other projections of its attention block into one QAttention (" + b.heads()
                                + " heads of " + b.headSize() + (b.mask() == null ? "" : ", with its attention mask")
                                + "; packed " + (perChannel ? "per-column" : "per-tensor")
                                + " int8 weight " + op.k() + "x" + 3 * b.hidden() + ")",
                        null, op.weight().byteSize(),
                        op == b.projections().get(0) ? AttentionFusion.packedBytes(b, perChannel) : 0));
            }
        }
        return blocks;
    }

    private static void reportOther(Graph g, Node node, String display, PassReport.Builder report) {
        if (!node.domain().isEmpty()) {
            report.node(NodeReport.untouched(display, node.domain() + ":" + node.opType(), NodeAction.KEPT_FLOAT,
                    "op outside the ONNX domain; left as it is"));
            return;
        }
        for (String in : node.inputs()) {
            Tensor t = g.initializer(in).orElse(null);
            if (t != null && t.dataType() == DataType.FLOAT && t.elementCount() >= 256) {
                report.node(NodeReport.untouched(display, node.opType(), NodeAction.KEPT_FLOAT,
                        node.opType() + " has no dynamic int8 form; its weight " + in + " stays float"));
                return;
            }
        }
    }

    private static String reasons(PassReport.Builder report) {
        List<String> r = report.nodes().stream().filter(n -> n.action() == NodeAction.SKIPPED)
                .map(n -> n.node() + ": " + n.reason()).limit(5).toList();
        return r.isEmpty() ? "" : " (" + String.join("; ", r) + ")";
    }
}
