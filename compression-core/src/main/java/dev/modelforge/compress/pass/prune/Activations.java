package dev.modelforge.compress.pass.prune;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs models in ONNX Runtime over calibration data a batch at a time and hands intermediate float
 * tensors to a callback (they are exposed as extra graph outputs of a temporary copy). Only one
 * batch of activations is alive at a time, so recovery statistics stay bounded in memory.
 */
public final class Activations {
    private Activations() {
    }

    /** One exposed tensor: values and shape. */
    public record Value(float[] data, long[] shape) {
        /** Size of {@code axis} (negative counts from the end). */
        public int dim(int axis) {
            return (int) shape[axis < 0 ? shape.length + axis : axis];
        }
    }

    /** Receives the exposed tensors of both models for one batch. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(Map<String, Value> first, Map<String, Value> second);
    }

    /** The same model with {@code names} added as graph outputs (type and shape left to ORT). */
    public static byte[] exposing(Model m, Collection<String> names) {
        OnnxMl.ModelProto p = m.toProto();
        OnnxMl.GraphProto.Builder g = p.getGraph().toBuilder();
        Set<String> existing = new HashSet<>();
        g.getOutputList().forEach(v -> existing.add(v.getName()));
        for (String n : names) {
            if (existing.add(n)) {
                // no type: ORT infers it, so a value that turns out to be int64 (shape arithmetic) is no error
                g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(n));
            }
        }
        return p.toBuilder().setGraph(g).build().toByteArray();
    }

    /**
     * Runs {@code first} (and {@code second}, when not null) on the same batches.
     *
     * @param maxSamples cap on samples (≤ 0: all)
     */
    public static void forEachBatch(Model first, Collection<String> firstNames, Model second,
                                    Collection<String> secondNames, EvalDataset data, int maxSamples,
                                    int batchSize, int threads, BatchConsumer consumer) throws OrtException {
        int total = maxSamples > 0 ? Math.min(maxSamples, data.sampleCount()) : data.sampleCount();
        try (OrtSession a = OrtSessions.open(exposing(first, firstNames), threads, null);
             OrtSession b = second == null ? null : OrtSessions.open(exposing(second, secondNames), threads, null)) {
            java.util.OptionalInt fixed = data.perCase() ? java.util.OptionalInt.empty() : fixedBatch(a);
            int step = fixed.orElse(Math.min(batchSize, data.maxBatch()));
            // a fixed batch dimension only takes full batches: a short tail is left out
            for (int start = 0; start < total && (fixed.isEmpty() || start + step <= total); start += step) {
                Map<String, NdArray> feeds = data.batch(start, Math.min(step, total - start));
                Map<String, Value> va = run(a, feeds, firstNames);
                Map<String, Value> vb = b == null ? Map.of() : run(b, feeds, secondNames);
                consumer.accept(va, vb);
            }
        }
    }

    /** The batch size a model insists on (a fixed first input dimension), if any. */
    private static java.util.OptionalInt fixedBatch(OrtSession s) throws OrtException {
        for (ai.onnxruntime.NodeInfo info : s.getInputInfo().values()) {
            if (info.getInfo() instanceof ai.onnxruntime.TensorInfo t && t.getShape().length > 0 && t.getShape()[0] > 0) {
                return java.util.OptionalInt.of((int) t.getShape()[0]);
            }
        }
        return java.util.OptionalInt.empty();
    }

    /** Runs one batch and returns the requested float outputs. */
    public static Map<String, Value> run(OrtSession s, Map<String, NdArray> feeds, Collection<String> names)
            throws OrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NdArray> e : feeds.entrySet()) {
                if (s.getInputNames().contains(e.getKey())) {
                    inputs.put(e.getKey(), OrtSessions.tensor(e.getValue()));
                }
            }
            Map<String, Value> out = new LinkedHashMap<>();
            Set<String> wanted = new HashSet<>(names);
            try (OrtSession.Result r = s.run(inputs, wanted)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
                        float[] f = new float[(int) t.getInfo().getNumElements()];
                        t.getFloatBuffer().get(f);
                        out.put(e.getKey(), new Value(f, t.getInfo().getShape()));
                    }
                }
            }
            return out;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
