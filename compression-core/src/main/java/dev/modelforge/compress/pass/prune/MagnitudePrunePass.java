package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OrtException;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code prune-magnitude}: unstructured pruning. Zeroes the smallest-magnitude weights of Conv,
 * Gemm and MatMul (one global threshold, or a target per layer), optionally refits the surviving
 * weights of each output by least squares on calibration data ({@link SparseRefit}), and stores
 * the result as ONNX sparse initializers so the artifact really shrinks ({@code storage=dense} keeps
 * zeros in dense tensors, for a later int8 pass followed by {@code sparse-encode}).
 */
public final class MagnitudePrunePass implements Pass {
    public static final String NAME = "prune-magnitude";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "unstructured magnitude pruning of Conv/Gemm/MatMul weights, stored as ONNX sparse initializers";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.number("sparsity", 0.5, 0.0, 1.0, "share of weights set to zero, strictly between 0 and 1"),
                ParamSpec.choice("scope", "global", List.of("global", "per-layer"),
                        "one magnitude threshold over all layers, or the target in every layer"),
                ParamSpec.stringList("layerSparsity", "per-layer targets as node=sparsity (override)"),
                ParamSpec.stringList("exclude", "node names left dense"),
                ParamSpec.integer("minElements", 256, 1, Long.MAX_VALUE, "weights smaller than this stay dense"),
                ParamSpec.choice("storage", "sparse", List.of("sparse", "dense"), "how pruned weights are stored"),
                ParamSpec.bool("reconstruct", true, "refit surviving weights by least squares on calibration data"),
                ParamSpec.number("ridge", 1e-3, 0.0, 1.0, "ridge term relative to the mean diagonal of XᵀX"),
                ParamSpec.integer("calibrationSamples", 256, 1, 1_000_000, "calibration samples used for the refit"));
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        PassParams p = ctx.params();
        double target = p.number("sparsity");
        if (!(target > 0 && target < 1)) {
            throw new PassException(NAME, "sparsity must be strictly between 0 and 1, got " + target);
        }
        Map<String, Double> perLayer = StructuredPrunePass.parseRatios(p.stringList("layerSparsity"));
        Set<String> exclude = new HashSet<>(p.stringList("exclude"));
        Model out = in.copy();
        out.graph().sortTopologically();
        Graph g = out.graph();
        PassReport.Builder rb = new PassReport.Builder(NAME, p);
        Map<String, Node> layers = new LinkedHashMap<>();
        Map<String, Integer> uses = new HashMap<>();
        g.nodes().forEach(n -> n.inputs().forEach(i -> uses.merge(i, 1, Integer::sum)));
        for (Node n : g.nodes()) {
            if (!(n.is("Conv") || n.is("Gemm") || n.is("MatMul"))) {
                continue;
            }
            Tensor w = g.initializer(n.input(1)).orElse(null);
            String why = w == null ? "weight is not a constant" : w.dataType() != DataType.FLOAT ? "weight is not float"
                    : uses.get(w.name()) > 1 ? "weight is shared" : exclude.contains(n.name()) ? "excluded"
                    : w.elementCount() < p.integer("minElements") ? "fewer than minElements weights" : null;
            if (why != null) {
                rb.node(NodeReport.untouched(n.name(), n.opType(), NodeAction.SKIPPED, why));
            } else {
                layers.put(n.name(), n);
            }
        }
        if (layers.isEmpty()) {
            throw new NothingToDoException(NAME, "no float Conv/Gemm/MatMul weight to prune");
        }
        double globalThreshold = "global".equals(p.string("scope")) ? globalThreshold(g, layers, target, perLayer) : -1;
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        for (Node n : layers.values()) {
            Tensor w = g.initializer(n.input(1)).orElseThrow();
            float[] d = w.floats();
            double thr = perLayer.containsKey(n.name()) || globalThreshold < 0
                    ? quantile(d, perLayer.getOrDefault(n.name(), target)) : globalThreshold;
            boolean[] keep = new boolean[d.length];
            for (int i = 0; i < d.length; i++) {
                keep[i] = Math.abs(d[i]) > thr;
                if (!keep[i]) {
                    d[i] = 0f;
                }
            }
            masks.put(n.name(), keep);
            g.putInitializer(Tensor.ofFloats(w.name(), w.shape(), d));
        }
        EvalDataset calib = PruneData.calibration(in, ctx, NAME);
        if (calib != null && p.bool("reconstruct")) {
            try {
                SparseRefit refit = new SparseRefit(in, calib, p.number("ridge"), (int) p.integer("calibrationSamples"),
                        ctx.threads());
                for (Node n : layers.values()) {
                    refit.refit(out, n, masks.get(n.name())).ifPresent(rb::note);
                }
            } catch (OrtException e) {
                throw new PassException(NAME, "ONNX Runtime failed during the least-squares refit: " + e.getMessage(), e);
            }
        } else if (p.bool("reconstruct")) {
            rb.note("no calibration data: surviving weights not refitted");
        }
        boolean sparse = "sparse".equals(p.string("storage"));
        if (sparse && out.irVersion() < 6) {
            sparse = false;
            rb.note("IR version " + out.irVersion() + " predates sparse initializers: pruned weights stay dense");
        }
        long zeros = 0;
        long total = 0;
        for (Node n : layers.values()) {
            Tensor w = g.initializer(n.input(1)).orElseThrow();
            boolean[] keep = masks.get(n.name());
            int kept = ChannelSurgery.count(keep);
            zeros += keep.length - kept;
            total += keep.length;
            long after = sparse ? SparseStorage.encodeIfSmaller(g, w.name()) : w.byteSize();
            rb.node(new NodeReport(n.name(), n.opType(), NodeAction.CONVERTED, String.format(Locale.ROOT,
                    "sparsity %.3f (%d of %d weights zero)%s", (keep.length - kept) / (double) keep.length,
                    keep.length - kept, keep.length, sparse && after < w.byteSize() ? ", sparse initializer" : ""),
                    null, w.byteSize(), after));
        }
        rb.note(String.format(Locale.ROOT, "overall sparsity of pruned layers %.3f", zeros / (double) total));
        PassReport report = SparseStorage.withSparseBytes(rb.build(in, out), in.graph(), out.graph());
        return new PassResult(out, report);
    }

    private static double globalThreshold(Graph g, Map<String, Node> layers, double target, Map<String, Double> perLayer) {
        List<float[]> all = new ArrayList<>();
        int n = 0;
        for (Node node : layers.values()) {
            if (!perLayer.containsKey(node.name())) {
                float[] d = g.initializer(node.input(1)).orElseThrow().floats();
                all.add(d);
                n += d.length;
            }
        }
        float[] flat = new float[n];
        int p = 0;
        for (float[] d : all) {
            System.arraycopy(d, 0, flat, p, d.length);
            p += d.length;
        }
        return n == 0 ? 0 : quantile(flat, target);
    }

    /** The |w| below or at which a {@code q} share of the values lies. */
    static double quantile(float[] d, double q) {
        float[] a = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            a[i] = Math.abs(d[i]);
        }
        Arrays.sort(a);
        int k = (int) Math.floor(q * a.length) - 1;
        return k < 0 ? -1 : a[Math.min(k, a.length - 1)];
    }
}
