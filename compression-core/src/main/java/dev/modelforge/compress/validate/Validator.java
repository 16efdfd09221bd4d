package dev.modelforge.compress.validate;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a compressed model with ONNX Runtime: it must load, run every evaluation batch, give finite
 * outputs, and meet the {@link ValidationGate} against the reference (float) model. Without an
 * evaluation set, seeded synthetic inputs are used (fidelity only).
 */
public final class Validator {
    private static final int SYNTHETIC_SAMPLES = 8;
    private final int threads;
    private final int batchSize;
    private final ValidationGate gate;
    private final Map<String, InputHint> syntheticInputs;

    /**
     * @param threads   ORT intra-op threads
     * @param batchSize samples per run (models with a fixed batch dimension use theirs)
     * @param gate      limits to enforce
     */
    public Validator(int threads, int batchSize, ValidationGate gate) {
        this(threads, batchSize, gate, Map.of());
    }

    /**
     * @param syntheticInputs shapes/values for named inputs when synthetic data is used (e.g. an
     *                        image size, or a sample-rate scalar that must be 16000, not 0)
     */
    public Validator(int threads, int batchSize, ValidationGate gate, Map<String, InputHint> syntheticInputs) {
        this.threads = Math.max(1, threads);
        this.batchSize = Math.max(1, batchSize);
        this.gate = gate;
        this.syntheticInputs = Map.copyOf(syntheticInputs);
    }

    /**
     * Validates {@code candidate}.
     *
     * @param reference the uncompressed model (for fidelity and the accuracy baseline), or null
     * @param eval      evaluation data, or null for synthetic inputs
     */
    public ValidationResult validate(Path candidate, Path reference, EvalDataset eval) {
        try {
            return validateOrThrow(candidate, reference, eval);
        } catch (RuntimeException e) {
            return new ValidationResult(false, "validation could not run the model: " + e.getMessage(),
                    eval == null ? "synthetic" : "eval", null, List.of());
        }
    }

    private ValidationResult validateOrThrow(Path candidate, Path reference, EvalDataset eval) {
        List<String> warnings = new ArrayList<>();
        String source = eval == null ? "synthetic" : "eval";
        OrtSession cand;
        try {
            cand = OrtSessions.open(candidate, threads, null);
        } catch (OrtException e) {
            return new ValidationResult(false, "ONNX Runtime cannot load the compressed model: " + e.getMessage(),
                    source, null, warnings);
        }
        try (cand; OrtSession ref = reference == null ? null : OrtSessions.open(reference, threads, null)) {
            MetricsAccumulator acc = new MetricsAccumulator(ref != null);
            int batch = eval == null ? 1 : Math.min(effectiveBatch(cand), eval.maxBatch());
            int total = eval == null ? SYNTHETIC_SAMPLES : eval.sampleCount();
            SyntheticInputs synthetic = eval == null ? new SyntheticInputs(cand.getInputInfo(), syntheticInputs) : null;
            for (int start = 0; start < total; start += batch) {
                int n = Math.min(batch, total - start);
                Map<String, NdArray> feeds = eval == null ? synthetic.batch(start, n) : eval.batch(start, n);
                long[] labels = eval == null ? null : eval.labelBatch(start, n).map(NdArray::toLongArray).orElse(null);
                Map<String, float[]> out;
                Map<String, long[]> shapes = new LinkedHashMap<>();
                try {
                    out = run(cand, feeds, shapes);
                } catch (OrtException e) {
                    return new ValidationResult(false, "ONNX Runtime failed to run the compressed model: "
                            + e.getMessage(), source, null, warnings);
                }
                String nonFinite = firstNonFinite(out);
                if (nonFinite != null) {
                    return new ValidationResult(false, "output " + nonFinite + " has NaN or infinite values",
                            source, null, warnings);
                }
                Map<String, float[]> refOut = ref == null ? null : run(ref, feeds, new LinkedHashMap<>());
                acc.add(n, out, shapes, refOut, labels);
            }
            Metrics m = acc.metrics();
            String violation = gate.violation(m);
            return new ValidationResult(violation == null, violation, source, m, warnings);
        } catch (OrtException e) {
            return new ValidationResult(false, "ONNX Runtime failed on the reference model: " + e.getMessage(),
                    source, null, warnings);
        }
    }

    private int effectiveBatch(OrtSession s) throws OrtException {
        for (NodeInfo info : s.getInputInfo().values()) {
            if (info.getInfo() instanceof TensorInfo t && t.getShape().length > 0 && t.getShape()[0] > 0) {
                return (int) t.getShape()[0];
            }
        }
        return batchSize;
    }

    static Map<String, float[]> run(OrtSession s, Map<String, NdArray> feeds, Map<String, long[]> shapes)
            throws OrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NdArray> e : feeds.entrySet()) {
                if (s.getInputNames().contains(e.getKey())) {
                    inputs.put(e.getKey(), OrtSessions.tensor(e.getValue()));
                }
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result r = s.run(inputs)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    if (e.getValue() instanceof OnnxTensor t && t.getInfo().type != OnnxJavaType.STRING) {
                        out.put(e.getKey(), floats(t));
                        shapes.put(e.getKey(), t.getInfo().getShape());
                    }
                }
            }
            return out;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }


    private static float[] floats(OnnxTensor t) {
        int n = (int) t.getInfo().getNumElements();
        float[] f = new float[n];
        switch (t.getInfo().type) {
            case FLOAT -> t.getFloatBuffer().get(f);
            case DOUBLE -> {
                var b = t.getDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    f[i] = (float) b.get(i);
                }
            }
            case INT64 -> {
                var b = t.getLongBuffer();
                for (int i = 0; i < n; i++) {
                    f[i] = b.get(i);
                }
            }
            case INT32 -> {
                var b = t.getIntBuffer();
                for (int i = 0; i < n; i++) {
                    f[i] = b.get(i);
                }
            }
            case FLOAT16 -> {
                var b = t.getShortBuffer();
                for (int i = 0; i < n; i++) {
                    f[i] = dev.modelforge.compress.ir.Float16.toFloat(b.get(i));
                }
            }
            default -> {
                var b = t.getByteBuffer();
                for (int i = 0; i < n; i++) {
                    f[i] = b.get(i);
                }
            }
        }
        return f;
    }

    private static String firstNonFinite(Map<String, float[]> out) {
        for (Map.Entry<String, float[]> e : out.entrySet()) {
            for (float v : e.getValue()) {
                if (!Float.isFinite(v)) {
                    return e.getKey();
                }
            }
        }
        return null;
    }
}
