package dev.modelforge.compress.testing;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.modelforge.compress.testing.ThirdPartyModel.InputHint;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic ONNX Runtime inputs for a third-party model: shapes from the manifest's hints, else the
 * graph's own shape with every symbolic or unknown dim set to 1; values from the hint's fill, else seeded
 * uniform noise in [-1, 1) for floats and 0 for integers (ids must stay in range, 0 always is).
 */
public final class GeneratedInputs {

    private GeneratedInputs() {
    }

    /** The concrete shape this model's input gets. */
    public static long[] shape(ThirdPartyModel model, String input, long[] graphShape) {
        InputHint hint = model.inputs().get(input);
        if (hint != null) {
            return hint.shape().stream().mapToLong(Long::longValue).toArray();
        }
        long[] shape = graphShape.clone();
        for (int i = 0; i < shape.length; i++) {
            // spox writes unknown dims as dim_value 0, most exporters as a dim_param (-1 in ORT).
            if (shape[i] <= 0) {
                shape[i] = 1;
            }
        }
        return shape;
    }

    /** One tensor per graph input of {@code session}; the caller closes them. */
    public static Map<String, OnnxTensor> create(OrtEnvironment env, OrtSession session, ThirdPartyModel model)
            throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(model.id().hashCode());
        try {
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
                    throw new IllegalStateException(model.id() + ": input " + e.getKey() + " is not a tensor");
                }
                long[] shape = shape(model, e.getKey(), info.getShape());
                InputHint hint = model.inputs().get(e.getKey());
                Double fill = hint != null && hint.fill().isPresent() ? hint.fill().getAsDouble() : null;
                tensors.put(e.getKey(), tensor(env, info.type, shape, fill, random, model.id() + "/" + e.getKey()));
            }
            return tensors;
        } catch (OrtException | RuntimeException ex) {
            tensors.values().forEach(OnnxTensor::close);
            throw ex;
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, OnnxJavaType type, long[] shape, Double fill,
            SplittableRandom random, String what) throws OrtException {
        int n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, Math.toIntExact(d));
        }
        switch (type) {
            case FLOAT -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = fill != null ? fill.floatValue() : (float) (random.nextDouble() * 2 - 1);
                }
                return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
            }
            case DOUBLE -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = fill != null ? fill : random.nextDouble() * 2 - 1;
                }
                return OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shape);
            }
            case INT64 -> {
                long[] v = new long[n];
                java.util.Arrays.fill(v, fill != null ? fill.longValue() : 0L);
                return OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
            }
            case INT32 -> {
                int[] v = new int[n];
                java.util.Arrays.fill(v, fill != null ? fill.intValue() : 0);
                return OnnxTensor.createTensor(env, IntBuffer.wrap(v), shape);
            }
            case BOOL -> {
                ByteBuffer v = ByteBuffer.allocateDirect(n);
                for (int i = 0; i < n; i++) {
                    v.put((byte) (fill != null && fill != 0 ? 1 : 0));
                }
                v.rewind();
                return OnnxTensor.createTensor(env, v, shape, OnnxJavaType.BOOL);
            }
            default -> throw new IllegalStateException(what + ": no generator for input type " + type);
        }
    }
}
