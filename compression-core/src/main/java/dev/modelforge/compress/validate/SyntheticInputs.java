package dev.modelforge.compress.validate;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import dev.modelforge.onnx.data.DType;
import dev.modelforge.onnx.data.NdArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Seeded inputs for models that come without evaluation data: floats ~ N(0, 1), integer inputs 0
 * (always a valid index or id), every symbolic dimension 1 (one sample per run, so inputs whose
 * batch is not their first dimension stay consistent), unless a fill value is given for an input
 * (e.g. a sample rate). Enough to prove the compressed model loads, runs and matches its reference;
 * not a measure of accuracy.
 */
final class SyntheticInputs {
    private final Map<String, NodeInfo> inputs;
    private final Map<String, InputHint> hints;

    SyntheticInputs(Map<String, NodeInfo> inputs, Map<String, InputHint> hints) {
        this.inputs = inputs;
        this.hints = hints;
    }

    Map<String, NdArray> batch(int start, int n) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        Random rnd = new Random(1234L + start);
        for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                continue;
            }
            InputHint hint = hints.get(e.getKey());
            long[] shape = hint != null && hint.shape() != null
                    ? hint.shape().stream().mapToLong(Long::longValue).toArray() : t.getShape().clone();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] <= 0) {
                    shape[i] = 1;
                }
            }
            int count = 1;
            for (long d : shape) {
                count *= (int) d;
            }
            Double fill = hint == null ? null : hint.fill();
            NdArray a = switch (t.type) {
                case FLOAT -> {
                    float[] f = new float[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = fill != null ? fill.floatValue() : (float) rnd.nextGaussian();
                    }
                    yield NdArray.ofFloats(f, shape);
                }
                case DOUBLE -> {
                    double[] f = new double[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = fill != null ? fill : rnd.nextGaussian();
                    }
                    yield NdArray.ofDoubles(f, shape);
                }
                case INT64 -> {
                    long[] v = new long[count];
                    java.util.Arrays.fill(v, fill == null ? 0L : fill.longValue());
                    yield NdArray.ofLongs(v, shape);
                }
                case INT32 -> {
                    int[] v = new int[count];
                    java.util.Arrays.fill(v, fill == null ? 0 : fill.intValue());
                    yield NdArray.ofInts(v, shape);
                }
                case UINT8 -> NdArray.ofBytes(DType.UINT8, new byte[count], shape);
                case INT8 -> NdArray.ofBytes(DType.INT8, new byte[count], shape);
                case BOOL -> NdArray.ofBytes(DType.BOOL, new byte[count], shape);
                default -> throw new IllegalArgumentException("cannot synthesise input " + e.getKey()
                        + " of type " + t.type + "; supply evaluation data");
            };
            out.put(e.getKey(), a);
        }
        return out;
    }
}
