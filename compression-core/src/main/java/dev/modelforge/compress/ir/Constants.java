package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.nio.file.Path;
import java.util.Optional;

/** Reads the value of a default-domain {@code Constant} node as a {@link Tensor}. */
final class Constants {
    private Constants() {
    }

    /** The constant's value named after its output, or empty if it is not a plain tensor constant. */
    static Optional<Tensor> valueOf(NodeProto n, Path baseDir) {
        boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
        if (!defaultDomain || !n.getOpType().equals("Constant") || n.getOutputCount() != 1
                || n.getAttributeCount() != 1) {
            return Optional.empty();
        }
        String out = n.getOutput(0);
        AttributeProto a = n.getAttribute(0);
        switch (a.getName()) {
            case "value" -> {
                Tensor t = TensorDecoding.decode(a.getT(), baseDir);
                return t.dataType() == DataType.OTHER ? Optional.empty() : Optional.of(t.withName(out));
            }
            case "value_float" -> {
                return Optional.of(Tensor.scalar(out, a.getF()));
            }
            case "value_floats" -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                return Optional.of(Tensor.ofFloats(out, new long[] {f.length}, f));
            }
            case "value_int" -> {
                return Optional.of(Tensor.ofInt64(out, new long[0], new long[] {a.getI()}));
            }
            case "value_ints" -> {
                long[] v = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                return Optional.of(Tensor.ofInt64(out, new long[] {v.length}, v));
            }
            default -> {
                return Optional.empty();
            }
        }
    }
}
