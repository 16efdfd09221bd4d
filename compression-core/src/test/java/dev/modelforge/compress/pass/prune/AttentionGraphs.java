package dev.modelforge.compress.pass.prune;

import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.testing.TinyModels;

import java.util.List;
import java.util.Random;

/**
 * Self-attention as torch exports it with dynamic batch and sequence: every Reshape's target shape
 * is {@code Concat(Unsqueeze(Gather(Shape(t), 0)), Unsqueeze(Gather(Shape(t), 1)), constants)}.
 * Input x [batch, seq, 8], 2 heads of 4; q/k/v MatMul, softmax(q·kᵀ)·v, heads merged, output MatMul.
 */
final class AttentionGraphs {
    private AttentionGraphs() {
    }

    /**
     * @param zeroHead1      q, k and v weights of head 1 are zero, so head 1 adds nothing to the output
     * @param headDimFromShape the head size is computed as Shape(q)[2] / 2 instead of a constant
     */
    static Model dynamic(boolean zeroHead1, boolean headDimFromShape) {
        Random r = new Random(11);
        ModelBuilder b = ModelBuilder.create("attn", 13)
                .initializer(Tensor.ofInt64("i0", new long[0], new long[]{0}))
                .initializer(Tensor.ofInt64("i1", new long[0], new long[]{1}))
                .initializer(Tensor.ofInt64("i2", new long[0], new long[]{2}))
                .initializer(Tensor.ofInt64("ax0", new long[]{1}, new long[]{0}))
                .initializer(Tensor.ofInt64("two", new long[0], new long[]{2}))
                .initializer(PruneGraphs.w(r, "WO", 8, 8));
        for (String p : new String[]{"q", "k", "v"}) {
            float[] w = TinyModels.randn(r, 64, 0.4f);
            if (zeroHead1) {
                for (int row = 0; row < 8; row++) {
                    java.util.Arrays.fill(w, row * 8 + 4, row * 8 + 8, 0f);
                }
            }
            b.initializer(Tensor.ofFloats("W" + p, new long[]{8, 8}, w));
            b.initializer(Tensor.ofInt64(p + "_heads", new long[]{1}, new long[]{2}));
            b.node("MatMul", List.of("x", "W" + p), List.of(p));
            List<String> pieces = new java.util.ArrayList<>(dims(b, p, 2));
            pieces.add(p + "_heads");
            if (headDimFromShape) {
                b.node("Shape", List.of(p), List.of(p + "_s2"));
                b.node("Gather", List.of(p + "_s2", "i2"), List.of(p + "_c")).setAttr("axis", 0L);
                b.node("Div", List.of(p + "_c", "two"), List.of(p + "_d"));
                b.node("Unsqueeze", List.of(p + "_d", "ax0"), List.of(p + "_du"));
                pieces.add(p + "_du");
            } else {
                b.initializer(Tensor.ofInt64(p + "_dim", new long[]{1}, new long[]{4}));
                pieces.add(p + "_dim");
            }
            b.node("Concat", pieces, List.of(p + "_shape")).setAttr("axis", 0L);
            b.node("Reshape", List.of(p, p + "_shape"), List.of(p + "_h"));
            b.node("Transpose", List.of(p + "_h"), List.of(p + "_t"))
                    .setAttrInts("perm", p.equals("k") ? List.of(0L, 2L, 3L, 1L) : List.of(0L, 2L, 1L, 3L));
        }
        b.node("MatMul", List.of("q_t", "k_t"), List.of("scores"));
        b.node("Softmax", List.of("scores"), List.of("p")).setAttr("axis", -1L);
        b.node("MatMul", List.of("p", "v_t"), List.of("ctx"));
        b.node("Transpose", List.of("ctx"), List.of("ctx_t")).setAttrInts("perm", List.of(0L, 2L, 1L, 3L));
        b.initializer(Tensor.ofInt64("width", new long[]{1}, new long[]{8}));
        List<String> pieces = new java.util.ArrayList<>(dims(b, "ctx_t", 2));
        pieces.add("width");
        b.node("Concat", pieces, List.of("merge_shape")).setAttr("axis", 0L);
        b.node("Reshape", List.of("ctx_t", "merge_shape"), List.of("merged"));
        b.node("MatMul", List.of("merged", "WO"), List.of("y"));
        Model m = b.output("y", DataType.FLOAT, -1, -1, 8).build();
        m.graph().addDeclaredInput(info("x", "batch", "seq", 8));
        return m;
    }

    /** {@code Unsqueeze(Gather(Shape(t), i))} for the first {@code count} axes of t. */
    private static List<String> dims(ModelBuilder b, String t, int count) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            b.node("Shape", List.of(t), List.of(t + "_shape" + i));
            b.node("Gather", List.of(t + "_shape" + i, "i" + i), List.of(t + "_dim" + i)).setAttr("axis", 0L);
            b.node("Unsqueeze", List.of(t + "_dim" + i, "ax0"), List.of(t + "_u" + i));
            out.add(t + "_u" + i);
        }
        return out;
    }

    private static ValueInfoProto info(String name, String d0, String d1, long d2) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d0))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d1))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d2));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT.onnxCode()).setShape(s))).build();
    }
}
