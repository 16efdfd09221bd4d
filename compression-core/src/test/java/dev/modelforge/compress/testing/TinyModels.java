package dev.modelforge.compress.testing;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.Tensor;

import java.util.List;
import java.util.Random;

/** Hand-built graphs with seeded random weights for exact unit tests. */
public final class TinyModels {
    private TinyModels() {
    }

    public static float[] randn(Random r, int n, float std) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian() * std;
        }
        return f;
    }

    /** x[N,k] → MatMul W1[k,h] → Add b1 → Relu → Gemm(W2[c,h], transB=1, b2[c]) → y[N,c]. */
    public static Model mlp(long opset, int k, int h, int c) {
        Random r = new Random(42);
        ModelBuilder b = ModelBuilder.create("mlp", opset)
                .input("x", DataType.FLOAT, -1, k)
                .initializer(Tensor.ofFloats("W1", new long[] {k, h}, randn(r, k * h, 0.3f)))
                .initializer(Tensor.ofFloats("b1", new long[] {h}, randn(r, h, 0.1f)))
                .initializer(Tensor.ofFloats("W2", new long[] {c, h}, randn(r, c * h, 0.3f)))
                .initializer(Tensor.ofFloats("b2", new long[] {c}, randn(r, c, 0.1f)));
        b.node("MatMul", List.of("x", "W1"), List.of("h0"));
        b.node("Add", List.of("h0", "b1"), List.of("h1"));
        b.node("Relu", List.of("h1"), List.of("h2"));
        b.node("Gemm", List.of("h2", "W2", "b2"), List.of("y")).setAttr("transB", 1L);
        return b.output("y", DataType.FLOAT, -1, c).build();
    }

    /** x[N,S,k] → MatMul W[k,n] → y[N,S,n] (3-D activations as in transformers). */
    public static Model matmul3d(long opset, int k, int n) {
        Random r = new Random(7);
        ModelBuilder b = ModelBuilder.create("mm3", opset)
                .input("x", DataType.FLOAT, -1, 4, k)
                .initializer(Tensor.ofFloats("W", new long[] {k, n}, randn(r, k * n, 0.2f)));
        b.node("MatMul", List.of("x", "W"), List.of("y"));
        return b.output("y", DataType.FLOAT, -1, 4, n).build();
    }

    /** x[N,1,8,8] → Conv(W[4,1,3,3]) → Relu → y: no MatMul at all. */
    public static Model convOnly(long opset) {
        Random r = new Random(3);
        ModelBuilder b = ModelBuilder.create("conv", opset)
                .input("x", DataType.FLOAT, -1, 1, 8, 8)
                .initializer(Tensor.ofFloats("W", new long[] {4, 1, 3, 3}, randn(r, 36, 0.3f)));
        b.node("Conv", List.of("x", "W"), List.of("c"));
        b.node("Relu", List.of("c"), List.of("y"));
        return b.output("y", DataType.FLOAT, -1, 4, 6, 6).build();
    }
}
