package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OrtException;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.onnx.data.EvalDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Least-squares refit after unstructured pruning: for every output of a layer, the weights that
 * survived are re-solved (ridge) so that the pruned layer, fed the pruned model's own activations,
 * reproduces the original layer's output on calibration data. Zeros stay zero, so sparsity is kept.
 */
final class SparseRefit {
    private final Model original;
    private final EvalDataset data;
    private final double ridge;
    private final int samples;
    private final int threads;

    SparseRefit(Model original, EvalDataset data, double ridge, int samples, int threads) {
        this.original = original;
        this.data = data;
        this.ridge = ridge;
        this.samples = samples;
        this.threads = threads;
    }

    /** Refits node {@code n} of {@code pruned} in place; returns a note, or empty when not applicable. */
    Optional<String> refit(Model pruned, Node n, boolean[] keep) throws OrtException {
        Graph g = pruned.graph();
        if (!Recovery.isLinear(g, n)) {
            return Optional.of("refit skipped for " + ChannelGraph.describe(n) + ": unsupported layer form");
        }
        Tensor w = g.initializer(n.input(1)).orElseThrow();
        boolean conv = n.is("Conv");
        boolean rowsAreOutputs = conv || n.is("Gemm") && n.attrInt("transB", 0) == 1;
        int outCount = (int) (rowsAreOutputs ? w.dim(0) : w.dim(1));
        int inCount = (int) (w.elementCount() / outCount);
        boolean intercept = !n.is("MatMul");
        int k = inCount + (intercept ? 1 : 0);
        if (k > 4096) {
            return Optional.of("refit skipped for " + ChannelGraph.describe(n) + ": " + k + " inputs is too many");
        }
        NormalEquations ne = new NormalEquations(k, outCount);
        Recovery.RowBuilder rows = conv ? new ConvRows(n, w) : new Recovery.DenseRows();
        int[] all = Recovery.keptIndices(null, outCount);
        String in = n.input(0);
        String out = n.output(0);
        Activations.forEachBatch(pruned, List.of(in), original, List.of(out), data, samples, 32, threads,
                (p, o) -> rows.add(p.get(in), o.get(out), all, intercept, ne, 20_000));
        float[] nw = new float[inCount * outCount];
        float[] bias = new float[outCount];
        int failed = 0;
        for (int j = 0; j < outCount; j++) {
            List<Integer> sup = new ArrayList<>();
            for (int i = 0; i < inCount; i++) {
                if (keep[rowsAreOutputs ? j * inCount + i : i * outCount + j]) {
                    sup.add(i);
                }
            }
            if (intercept) {
                sup.add(inCount);
            }
            int[] support = sup.stream().mapToInt(Integer::intValue).toArray();
            double[] sol = ne.solveSubset(j, support, ridge);
            if (sol == null) {
                failed++;
                continue;
            }
            for (int s = 0; s < support.length; s++) {
                int i = support[s];
                if (i == inCount) {
                    bias[j] = (float) sol[s];
                } else {
                    nw[rowsAreOutputs ? j * inCount + i : i * outCount + j] = (float) sol[s];
                }
            }
        }
        if (failed > 0) {
            return Optional.of("refit skipped for " + ChannelGraph.describe(n) + ": " + failed + " singular outputs");
        }
        g.putInitializer(Tensor.ofFloats(w.name(), w.shape(), nw));
        if (intercept) {
            String bName = n.input(2).isEmpty() ? g.uniqueName(w.name() + "_bias") : n.input(2);
            long[] shape = n.input(2).isEmpty() ? new long[]{outCount} : g.initializer(bName).orElseThrow().shape();
            g.putInitializer(Tensor.ofFloats(bName, shape, bias));
            n.setInput(2, bName);
        }
        return Optional.of("refitted " + ChannelGraph.describe(n) + " on " + ne.rows() + " rows");
    }
}
