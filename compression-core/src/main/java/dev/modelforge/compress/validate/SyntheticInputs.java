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
 * (always a valid index or id), symbolic dimensions 1 except the batch. Enough to prove the
 * compressed model loads, runs and matches its reference; not a measure of accuracy.
 */
final class SyntheticInputs {
    private final Map<String, NodeInfo> inputs;

    SyntheticInputs(Map<String, NodeInfo> inputs) {
        this.inputs = inputs;
    }

    Map<String, NdArray> batch(int start, int n) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        Random rnd = new Random(1234L + start);
        for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                continue;
            }
            long[] shape = t.getShape().clone();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = i == 0 ? n : 1;
                }
            }
            int count = 1;
            for (long d : shape) {
                count *= (int) d;
            }
            NdArray a = switch (t.type) {
                case FLOAT -> {
                    float[] f = new float[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = (float) rnd.nextGaussian();
                    }
                    yield NdArray.ofFloats(f, shape);
                }
                case DOUBLE -> {
                    double[] f = new double[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = rnd.nextGaussian();
                    }
                    yield NdArray.ofDoubles(f, shape);
                }
                case INT64 -> NdArray.ofLongs(new long[count], shape);
                case INT32 -> NdArray.ofInts(new int[count], shape);
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
