package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * Rewrites {@code Div(x, c)} with a constant float divisor as {@code Mul(x, 1/c)} before quantization.
 *
 * <p>ORT has an integer kernel for Mul (QLinearMul) but none for Div, so a quantized Div runs as
 * DequantizeLinear → float Div → QuantizeLinear: three nodes and a float round trip. Exporters write
 * hard-swish as {@code x · Clip(x + 3, 0, 6) / 6} (PaddleOCR's classifier has 18, its detector 24), so
 * that round trip sits in every block. The product differs from the quotient by at most one rounding.
 */
final class ConstantDivision {

    private ConstantDivision() {
    }

    /** Rewrites every eligible Div of {@code graph} in place; returns how many. */
    static int apply(Graph graph) {
        int rewritten = 0;
        for (Node div : List.copyOf(graph.nodes())) {
            if (!div.is("Div") || div.inputs().size() != 2 || graph.isInitializer(div.input(0))) {
                continue;
            }
            Optional<Tensor> c = graph.floatInitializer(div.input(1));
            if (c.isEmpty()) {
                continue;
            }
            float[] v = c.get().floats();
            float[] inv = new float[v.length];
            boolean finite = true;
            for (int i = 0; i < v.length; i++) {
                inv[i] = 1f / v[i];
                finite &= Float.isFinite(inv[i]) && inv[i] != 0f;
            }
            if (!finite) {
                continue; // x / 0 and x / huge keep their IEEE meaning as a Div
            }
            String name = graph.uniqueName(div.input(1) + "_reciprocal");
            graph.putInitializer(Tensor.ofFloats(name, c.get().shape(), inv));
            Node mul = Node.of(div.name(), "Mul", List.of(div.input(0), name), List.of(div.output(0)));
            graph.replace(div, List.of(mul));
            rewritten++;
        }
        if (rewritten > 0) {
            graph.removeUnusedInitializers();
        }
        return rewritten;
    }
}
