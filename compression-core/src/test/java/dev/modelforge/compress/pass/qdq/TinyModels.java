package dev.modelforge.compress.pass.qdq;

import ai.onnx.proto.OnnxMl;

/** The hand-built graphs the static quantization tests run. */
final class TinyModels {

    private TinyModels() {
    }

    private static float[] bnVar(long seed, int n) {
        float[] v = ProtoGraph.random(seed, n, 0.5f);
        for (int i = 0; i < n; i++) {
            v[i] = 0.6f + Math.abs(v[i]);
        }
        return v;
    }

    /**
     * x[N,3,8,8] → Conv+BN+Relu → MaxPool → Conv(bias) → Add(residual) → Relu → GlobalAveragePool
     * → Flatten → Gemm(transB) → y[N,5].
     */
    static OnnxMl.ModelProto cnn(long opset) {
        return new ProtoGraph(opset).input("x", -1, 3, 8, 8)
                .initializer("w1", ProtoGraph.random(1, 8 * 3 * 9, 0.4f), 8, 3, 3, 3)
                .initializer("g1", bnVar(2, 8), 8).initializer("b1", ProtoGraph.random(3, 8, 0.2f), 8)
                .initializer("m1", ProtoGraph.random(4, 8, 0.3f), 8).initializer("v1", bnVar(5, 8), 8)
                .initializer("w2", ProtoGraph.random(6, 8 * 8 * 9, 0.2f), 8, 8, 3, 3)
                .initializer("c2", ProtoGraph.random(7, 8, 0.1f), 8)
                .initializer("fw", ProtoGraph.random(8, 5 * 8, 0.5f), 5, 8)
                .initializer("fb", ProtoGraph.random(9, 5, 0.1f), 5)
                .node("Conv", "conv1", new String[] {"x", "w1"}, new String[] {"c1"},
                        "pads", new long[] {1, 1, 1, 1}, "kernel_shape", new long[] {3, 3})
                .node("BatchNormalization", "bn1", new String[] {"c1", "g1", "b1", "m1", "v1"}, new String[] {"n1"})
                .node("Relu", "relu1", new String[] {"n1"}, new String[] {"r1"})
                .node("MaxPool", "pool", new String[] {"r1"}, new String[] {"p1"},
                        "kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2})
                .node("Conv", "conv2", new String[] {"p1", "w2", "c2"}, new String[] {"c3"},
                        "pads", new long[] {1, 1, 1, 1}, "kernel_shape", new long[] {3, 3})
                .node("Add", "residual", new String[] {"p1", "c3"}, new String[] {"s"})
                .node("Relu", "relu2", new String[] {"s"}, new String[] {"r2"})
                .node("GlobalAveragePool", "gap", new String[] {"r2"}, new String[] {"g"})
                .node("Flatten", "flatten", new String[] {"g"}, new String[] {"f"})
                .node("Gemm", "fc", new String[] {"f", "fw", "fb"}, new String[] {"y"}, "transB", 1L)
                .output("y").build();
    }

    /** x[N,16] → MatMul(W1) → Relu → MatMul(W2) → y[N,8]; and a Gemm without transB. */
    static OnnxMl.ModelProto mlp() {
        return new ProtoGraph(13).input("x", -1, 16)
                .initializer("w1", ProtoGraph.random(11, 16 * 32, 0.4f), 16, 32)
                .initializer("w2", ProtoGraph.random(12, 32 * 12, 0.3f), 32, 12)
                .initializer("w3", ProtoGraph.random(13, 12 * 8, 0.3f), 12, 8)
                .initializer("b3", ProtoGraph.random(14, 8, 0.1f), 8)
                .node("MatMul", "mm1", new String[] {"x", "w1"}, new String[] {"h1"})
                .node("Relu", "relu", new String[] {"h1"}, new String[] {"r1"})
                .node("Gemm", "gemm", new String[] {"r1", "w2"}, new String[] {"h2"})
                .node("MatMul", "mm3", new String[] {"h2", "w3"}, new String[] {"h3"})
                .node("Add", "bias", new String[] {"h3", "b3"}, new String[] {"y"})
                .output("y").build();
    }

    /** x[N,4,6,6] → two Convs → Concat → Conv → y. */
    static OnnxMl.ModelProto concat() {
        return new ProtoGraph(13).input("x", -1, 4, 6, 6)
                .initializer("wa", ProtoGraph.random(21, 6 * 4 * 9, 0.3f), 6, 4, 3, 3)
                .initializer("wb", ProtoGraph.random(22, 2 * 4, 0.6f), 2, 4, 1, 1)
                .initializer("wc", ProtoGraph.random(23, 3 * 8 * 9, 0.3f), 3, 8, 3, 3)
                .node("Conv", "ca", new String[] {"x", "wa"}, new String[] {"a"}, "pads", new long[] {1, 1, 1, 1})
                .node("Conv", "cb", new String[] {"x", "wb"}, new String[] {"b"})
                .node("Concat", "cat", new String[] {"a", "b"}, new String[] {"ab"}, "axis", 1L)
                .node("Conv", "cc", new String[] {"ab", "wc"}, new String[] {"y"})
                .output("y").build();
    }
}
