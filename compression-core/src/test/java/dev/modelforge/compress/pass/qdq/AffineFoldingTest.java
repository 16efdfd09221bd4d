package dev.modelforge.compress.pass.qdq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.compress.ir.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exporter's Mul/Add form of BatchNorm is folded into the Conv, and constant divisors become products, without
 * changing what ORT computes.
 */
class AffineFoldingTest {

    private static final int N = 2;

    /** x → Conv → Mul([1,4,1,1]) → Add([4,1,1]) → Div(scalar) → Relu, and a per-position Mul that must stay. */
    private static OnnxMl.ModelProto model() {
        return new ProtoGraph(13).input("x", N, 3, 6, 6)
                .initializer("w", ProtoGraph.random(1, 4 * 3 * 9, 0.4f), 4, 3, 3, 3)
                .initializer("s", new float[] {0.5f, 2f, -1.5f, 3f}, 1, 4, 1, 1)
                .initializer("t", new float[] {0.1f, -0.2f, 0.3f, 1f}, 4, 1, 1)
                .initializer("d", new float[] {6f})
                .initializer("pos", ProtoGraph.random(2, 36, 1f), 1, 1, 6, 6)
                .initializer("w2", ProtoGraph.random(3, 4 * 4 * 9, 0.3f), 4, 4, 3, 3)
                .node("Conv", "conv", new String[] {"x", "w"}, new String[] {"c"},
                        "pads", new long[] {1, 1, 1, 1}, "kernel_shape", new long[] {3, 3})
                .node("Mul", "scale", new String[] {"s", "c"}, new String[] {"m"})
                .node("Add", "shift", new String[] {"m", "t"}, new String[] {"a"})
                .node("Div", "div", new String[] {"a", "d"}, new String[] {"q"})
                .node("Relu", "relu", new String[] {"q"}, new String[] {"r"})
                .node("Conv", "conv2", new String[] {"r", "w2"}, new String[] {"c2"},
                        "pads", new long[] {1, 1, 1, 1}, "kernel_shape", new long[] {3, 3})
                .node("Mul", "spatial", new String[] {"c2", "pos"}, new String[] {"y"})
                .output("y").build();
    }

    @Test
    void foldsPerChannelAndScalarOpsExactlyAndLeavesPerPositionOnes() throws Exception {
        OnnxMl.ModelProto before = model();
        Model m = Model.fromProto(before, null);
        List<AffineFolding.Fold> folds = AffineFolding.apply(m.graph());
        OnnxMl.ModelProto after = m.toProto();

        assertThat(folds).extracting(AffineFolding.Fold::op).containsExactly("scale", "shift", "div");
        assertThat(OrtHarness.ops(after)).containsEntry("Conv", 2).containsEntry("Mul", 1).containsEntry("Relu", 1)
                .doesNotContainKeys("Add", "Div");
        float[] x = ProtoGraph.random(9, N * 3 * 36, 1f);
        float[] y0 = OrtHarness.run(before, "x", x, N, 3, 6, 6);
        float[] y1 = OrtHarness.run(after, "x", x, N, 3, 6, 6);
        assertThat(OrtHarness.maxAbsDiff(y0, y1)).isLessThan(1e-4 * OrtHarness.maxAbs(y0));
    }

    @Test
    void constantDivisorsBecomeProductsAndZeroDivisorsStay() throws Exception {
        OnnxMl.ModelProto before = new ProtoGraph(13).input("x", N, 4)
                .initializer("six", new float[] {6f})
                .initializer("per", new float[] {1f, 2f, -4f, 0.5f}, 4)
                .initializer("zero", new float[] {0f})
                .node("Relu", "relu", new String[] {"x"}, new String[] {"r"})
                .node("Div", "by6", new String[] {"r", "six"}, new String[] {"a"})
                .node("Div", "byPer", new String[] {"a", "per"}, new String[] {"b"})
                .node("Div", "byZero", new String[] {"b", "zero"}, new String[] {"y"})
                .output("y").build();
        Model m = Model.fromProto(before, null);
        assertThat(ConstantDivision.apply(m.graph())).isEqualTo(2);
        OnnxMl.ModelProto after = m.toProto();
        assertThat(OrtHarness.ops(after)).containsEntry("Mul", 2).containsEntry("Div", 1);
        float[] x = ProtoGraph.random(4, N * 4, 3f);
        float[] y0 = OrtHarness.run(before, "x", x, N, 4);
        float[] y1 = OrtHarness.run(after, "x", x, N, 4);
        for (int i = 0; i < y0.length; i++) {
            if (Float.isFinite(y0[i])) {
                assertThat(y1[i]).isCloseTo(y0[i], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(y0[i]))));
            } else {
                assertThat(Float.valueOf(y1[i])).isEqualTo(Float.valueOf(y0[i])); // ±inf / NaN from the kept x / 0
            }
        }
    }

    /**
     * Hard-swish's {@code · (1/6)} followed by a learnable scalar scale (PP-OCRv4's recogniser) becomes one Mul, an
     * Add chain one Add; a product read twice, or of two activations, stays.
     */
    @Test
    void chainedConstantMulsAndAddsMergeOnlyWhenTheInnerHasOneReader() throws Exception {
        OnnxMl.ModelProto before = new ProtoGraph(13).input("x", N, 4)
                .initializer("sixth", new float[] {1f / 6})
                .initializer("a", new float[] {1.7f}, 1, 1)
                .initializer("per", new float[] {1f, 2f, -4f, 0.5f}, 4)
                .initializer("b", new float[] {0.25f})
                .initializer("c", new float[] {3f})
                .node("Relu", "relu", new String[] {"x"}, new String[] {"r"})
                .node("Mul", "by6", new String[] {"r", "sixth"}, new String[] {"h"})
                .node("Mul", "scale", new String[] {"a", "h"}, new String[] {"s"})
                .node("Add", "shift", new String[] {"s", "per"}, new String[] {"t"})
                .node("Add", "shift2", new String[] {"t", "b"}, new String[] {"u"})
                .node("Mul", "twice", new String[] {"u", "c"}, new String[] {"v"})
                .node("Mul", "square", new String[] {"v", "u"}, new String[] {"w"})
                .node("Mul", "last", new String[] {"w", "c"}, new String[] {"y"})
                .output("y").build();
        Model m = Model.fromProto(before, null);
        assertThat(ConstantChains.apply(m.graph())).isEqualTo(2); // by6·scale, shift+shift2; u is read twice
        OnnxMl.ModelProto after = m.toProto();
        assertThat(OrtHarness.ops(after)).containsEntry("Mul", 4).containsEntry("Add", 1);
        float[] x = ProtoGraph.random(5, N * 4, 3f);
        float[] y0 = OrtHarness.run(before, "x", x, N, 4);
        float[] y1 = OrtHarness.run(after, "x", x, N, 4);
        assertThat(OrtHarness.maxAbsDiff(y0, y1)).isLessThan(1e-5 * (1 + OrtHarness.maxAbs(y0)));
    }
}
