package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OrtException;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.onnx.data.EvalDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recovers accuracy after structured pruning without retraining, walking the pruned graph in
 * topological order so every repair sees the already-repaired layers before it:
 * <ul>
 *   <li>each Conv / Gemm / MatMul whose input lost channels gets new weights by ridge least squares,
 *       mapping its pruned-model input onto its original-model output on calibration data;</li>
 *   <li>each BatchNormalization after a change gets statistics that make its output match the
 *       original's per-channel mean and spread on calibration data.</li>
 * </ul>
 */
public final class Recovery {
    /** Settings. */
    public record Options(boolean reconstruct, boolean batchNorm, double ridge, int samples, int batch, int threads,
                   int maxRows) {
    }

    private final Model original;
    private final EvalDataset data;
    private final Options opt;
    private final List<String> log = new ArrayList<>();

    Recovery(Model original, EvalDataset data, Options opt) {
        this.original = original;
        this.data = data;
        this.opt = opt;
    }

    List<String> log() {
        return log;
    }

    /** Repairs {@code pruned} in place. */
    void run(Model pruned, Map<String, boolean[]> changed) throws OrtException {
        Graph g = pruned.graph();
        boolean downstream = false;
        for (Node n : new ArrayList<>(g.nodes())) {
            boolean sinkOfChange = changed.containsKey(n.input(0)) && isLinear(g, n);
            if (sinkOfChange && opt.reconstruct()) {
                reconstruct(pruned, n, changed.get(n.output(0)));
            }
            if (n.is("BatchNormalization") && downstream && opt.batchNorm()) {
                matchBatchNorm(pruned, n, changed.get(n.input(0)));
            }
            downstream |= n.outputs().stream().anyMatch(changed::containsKey);
        }
    }

    static boolean isLinear(Graph g, Node n) {
        boolean weight = g.initializer(n.input(1)).isPresent();
        return weight && (n.is("Conv") && n.attrInt("group", 1) == 1 && "NOTSET".equals(n.attrString("auto_pad", "NOTSET"))
                && g.initializer(n.input(1)).get().rank() == 4
                || n.is("Gemm") && n.attrInt("transA", 0) == 0 && n.attrFloat("alpha", 1f) == 1f
                && n.attrFloat("beta", 1f) == 1f
                || n.is("MatMul") && g.initializer(n.input(1)).get().rank() == 2);
    }

    private void reconstruct(Model pruned, Node n, boolean[] outMask) throws OrtException {
        Graph g = pruned.graph();
        Tensor w = g.initializer(n.input(1)).orElseThrow();
        boolean conv = n.is("Conv");
        boolean intercept = !n.is("MatMul");
        boolean transB = n.is("Gemm") && n.attrInt("transB", 0) == 1;
        int outCount = (int) (conv || transB ? w.dim(0) : w.dim(1));
        int inCount = (int) (conv ? w.dim(1) * w.dim(2) * w.dim(3) : transB ? w.dim(1) : w.dim(0));
        int k = inCount + (intercept ? 1 : 0);
        if (k > 4096) {
            log.add("reconstruction skipped for " + ChannelGraph.describe(n) + ": " + k + " inputs is too many");
            return;
        }
        int[] keptOut = keptIndices(outMask, outCount);
        NormalEquations ne = new NormalEquations(k, outCount);
        RowBuilder rows = conv ? new ConvRows(n, w) : new DenseRows();
        String in = n.input(0);
        String out = n.output(0);
        Activations.forEachBatch(pruned, List.of(in), original, List.of(out), data, opt.samples(), opt.batch(),
                opt.threads(), (p, o) -> rows.add(p.get(in), o.get(out), keptOut, intercept, ne, opt.maxRows()));
        double[] sol = ne.solve(opt.ridge());
        if (sol == null) {
            log.add("reconstruction skipped for " + ChannelGraph.describe(n) + ": singular normal equations");
            return;
        }
        float[] nw = new float[inCount * outCount];
        for (int i = 0; i < inCount; i++) {
            for (int j = 0; j < outCount; j++) {
                float v = (float) sol[i * outCount + j];
                nw[conv || transB ? j * inCount + i : i * outCount + j] = v;
            }
        }
        g.putInitializer(Tensor.ofFloats(w.name(), w.shape(), nw));
        if (intercept) {
            float[] bias = new float[outCount];
            for (int j = 0; j < outCount; j++) {
                bias[j] = (float) sol[inCount * outCount + j];
            }
            String bName = n.input(2).isEmpty() ? g.uniqueName(w.name() + "_bias") : n.input(2);
            long[] bShape = n.input(2).isEmpty() ? new long[]{outCount} : g.initializer(bName).orElseThrow().shape();
            g.putInitializer(Tensor.ofFloats(bName, bShape, bias));
            n.setInput(2, bName);
        }
        log.add("reconstructed " + ChannelGraph.describe(n) + " by least squares on " + ne.rows() + " rows (K=" + k + ")");
    }

    private void matchBatchNorm(Model pruned, Node n, boolean[] mask) throws OrtException {
        Graph g = pruned.graph();
        String in = n.input(0);
        float[] mean = g.initializer(n.input(3)).orElseThrow().floats();
        float[] var = g.initializer(n.input(4)).orElseThrow().floats();
        int c = mean.length;
        int[] orig = keptIndices(mask, c);
        double[][] so = new double[3][c];
        double[][] sp = new double[3][c];
        Activations.forEachBatch(pruned, List.of(in), original, List.of(in), data, opt.samples(), opt.batch(),
                opt.threads(), (p, o) -> {
                    moments(p.get(in), null, sp);
                    moments(o.get(in), orig, so);
                });
        double eps = n.attrFloat("epsilon", 1e-5f);
        float[] nm = mean.clone();
        float[] nv = var.clone();
        for (int i = 0; i < c; i++) {
            double mo = so[1][i] / so[0][i];
            double vo = Math.max(so[2][i] / so[0][i] - mo * mo, 0);
            double mp = sp[1][i] / sp[0][i];
            double vp = Math.max(sp[2][i] / sp[0][i] - mp * mp, 0);
            if (vo < 1e-12 || vp < 1e-12) {
                continue; // a dead channel: nothing to match
            }
            double sigma = Math.sqrt(var[i] + eps);
            double sigmaNew = sigma * Math.sqrt(vp / vo);
            nm[i] = (float) (mp - (mo - mean[i]) * sigmaNew / sigma);
            nv[i] = (float) Math.max(sigmaNew * sigmaNew - eps, 0);
        }
        g.putInitializer(Tensor.ofFloats(n.input(3), new long[]{c}, nm));
        g.putInitializer(Tensor.ofFloats(n.input(4), new long[]{c}, nv));
        log.add("re-estimated statistics of " + ChannelGraph.describe(n));
    }

    /** Per-channel count, sum, sum of squares along axis 1; {@code idx} maps target → source channel. */
    private static void moments(Activations.Value v, int[] idx, double[][] acc) {
        int b = v.dim(0);
        int ch = v.dim(1);
        int inner = v.data().length / (b * ch);
        int c = acc[0].length;
        for (int s = 0; s < b; s++) {
            for (int t = 0; t < c; t++) {
                int src = idx == null ? t : idx[t];
                int base = (s * ch + src) * inner;
                double sum = 0;
                double sq = 0;
                for (int i = 0; i < inner; i++) {
                    double x = v.data()[base + i];
                    sum += x;
                    sq += x * x;
                }
                acc[0][t] += inner;
                acc[1][t] += sum;
                acc[2][t] += sq;
            }
        }
    }

    static int[] keptIndices(boolean[] mask, int count) {
        if (mask == null) {
            int[] all = new int[count];
            for (int i = 0; i < count; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[count];
        int p = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                out[p++] = i;
            }
        }
        return out;
    }

    /** Turns one batch of (input, original output) into regression rows. */
    interface RowBuilder {
        void add(Activations.Value x, Activations.Value y, int[] keptOut, boolean intercept, NormalEquations ne,
                 int maxRows);
    }

    /** Gemm / MatMul: one row per position of the leading axes. */
    static final class DenseRows implements RowBuilder {
        @Override
        public void add(Activations.Value x, Activations.Value y, int[] keptOut, boolean intercept,
                        NormalEquations ne, int maxRows) {
            int kIn = x.dim(-1);
            int nOut = y.dim(-1);
            int rows = x.data().length / kIn;
            int stride = Math.max(1, (int) Math.ceil(rows / (double) maxRows));
            float[] xr = new float[ne.k()];
            float[] yr = new float[keptOut.length];
            for (int r = 0; r < rows; r += stride) {
                System.arraycopy(x.data(), r * kIn, xr, 0, kIn);
                if (intercept) {
                    xr[kIn] = 1f;
                }
                for (int j = 0; j < keptOut.length; j++) {
                    yr[j] = y.data()[r * nOut + keptOut[j]];
                }
                ne.add(xr, 0, yr, 0);
            }
        }
    }
}
