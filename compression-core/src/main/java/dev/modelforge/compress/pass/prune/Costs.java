package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OrtException;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.onnx.data.EvalDataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Multiply-accumulates per sample and parameter counts, from weights and probed output shapes. */
public final class Costs {
    private Costs() {
    }

    /** MACs per sample of every Conv / Gemm / MatMul with a constant weight, by node name. */
    public static Map<String, Long> macsPerNode(Model m, EvalDataset probe, int threads) throws OrtException {
        return macsPerNode(m, PruneData.probeShapes(m, linearOutputs(m.graph()), probe, threads));
    }

    /** The values whose probed shapes {@link #macsPerNode(Model, Map)} reads. */
    static List<String> linearOutputs(Graph g) {
        return linear(g).stream().map(n -> n.output(0)).toList();
    }

    /** {@link #macsPerNode(Model, EvalDataset, int)} from shapes already probed (those of {@link #linearOutputs}). */
    static Map<String, Long> macsPerNode(Model m, Map<String, long[]> shapes) {
        Graph g = m.graph();
        Map<String, Long> out = new LinkedHashMap<>();
        for (Node n : linear(g)) {
            long[] s = shapes.get(n.output(0));
            Tensor w = g.initializer(n.input(1)).orElseThrow();
            if (s == null || s.length == 0) {
                continue;
            }
            long perSample = 1;
            for (int i = 1; i < s.length; i++) {
                perSample *= s[i];
            }
            long k;
            if (n.is("Conv")) {
                k = 1;
                for (int i = 1; i < w.rank(); i++) {
                    k *= w.dim(i);
                }
            } else if (n.is("Gemm")) {
                k = n.attrInt("transB", 0) == 1 ? w.dim(1) : w.dim(0);
            } else {
                k = w.dim(0);
            }
            out.merge(n.name(), perSample * k, Long::sum);
        }
        return out;
    }

    private static List<Node> linear(Graph g) {
        List<Node> linear = new ArrayList<>();
        for (Node n : g.nodes()) {
            if ((n.is("Conv") || n.is("Gemm") || n.is("MatMul")) && g.isInitializer(n.input(1))) {
                linear.add(n);
            }
        }
        return linear;
    }

    /** Float parameters of the whole model. */
    public static long params(Model m) {
        return m.graph().weights().stream().filter(t -> t.dataType() == DataType.FLOAT)
                .mapToLong(Tensor::elementCount).sum();
    }

    /** Elements of the initializer inputs of the named node. */
    static long weightParams(Model m, String node) {
        Graph g = m.graph();
        long sum = 0;
        for (Node n : g.nodes()) {
            if (n.name().equals(node)) {
                for (String in : n.inputs()) {
                    sum += g.initializer(in).map(Tensor::elementCount).orElse(0L);
                }
            }
        }
        return sum;
    }

    /** L1 or L2 norm of every slice along {@code axis}. */
    static double[] norms(Tensor w, int axis, boolean l1) {
        long[] s = w.shape();
        float[] d = w.floats();
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner *= (int) s[i];
        }
        int width = (int) s[axis];
        double[] out = new double[width];
        for (int i = 0; i < d.length; i++) {
            int c = (i / inner) % width;
            out[c] += l1 ? Math.abs(d[i]) : (double) d[i] * d[i];
        }
        if (!l1) {
            for (int c = 0; c < width; c++) {
                out[c] = Math.sqrt(out[c]);
            }
        }
        return out;
    }
}
