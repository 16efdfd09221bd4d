package dev.modelforge.compress.pass.qdq;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.calibrate.CalibrationData;
import dev.modelforge.compress.calibrate.Calibrator;
import dev.modelforge.compress.calibrate.QuantParams;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Accuracy-driven fallback by tensor, not by node: some activation edges keep no Q/DQ pair, so the ops on both
 * sides read and write float there. Excluding a node does not do this — its neighbours still quantize the tensors
 * it touches — and a model's loss can be spread over many tensors rather than one layer.
 *
 * <p>On the calibration samples: one float run measures each quantized tensor's own quantization noise
 * (‖x − dq(q(x))‖² / ‖x‖² with its calibrated scale) and the float outputs; tensors are then taken in order of
 * that noise, a few at a time, and a step is kept only if the end-to-end output cosine of the rewritten model
 * (run by ONNX Runtime) rises. It stops at the target cosine or when the budget (a fraction of the quantized
 * tensors) is spent.
 */
final class TensorFallback {

    /**
     * Samples the search runs on (the first of the calibration set). 8 over-fitted the choice on a model whose output
     * is decided at a few uncertain positions (PP-OCRv4's recogniser: held-out cosine on 32 text lines 0.972 with 8,
     * 0.977 with 16, same budget); the detector's choice is the same with either. Twice the trial time.
     */
    private static final int MAX_SAMPLES = 16;

    /** What the search did. */
    record Outcome(Set<String> floatTensors, double cosineBefore, double cosineAfter, int trials) {
    }

    private final Model prepared;
    private final StaticQuantOptions options;
    private final Function<String, QuantParams> paramsOfRoot;
    private final CalibrationData data;
    private final int samples;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    TensorFallback(Model prepared, StaticQuantOptions options, Function<String, QuantParams> paramsOfRoot,
                   CalibrationData data) {
        this.prepared = prepared;
        this.options = options;
        this.paramsOfRoot = paramsOfRoot;
        this.data = data;
        this.samples = Math.min(MAX_SAMPLES, data.sampleCount());
    }

    /** Searches tensors to keep float until the output cosine reaches {@code target}. */
    Outcome search(double target, double budgetFraction) throws OrtException {
        QdqPlan plan = QdqPlanner.plan(prepared.graph(), options);
        List<String> candidates = candidates(plan);
        List<String> outputs = prepared.graph().outputs().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        Set<String> exposed = new LinkedHashSet<>(candidates);
        exposed.addAll(outputs);
        Map<String, Double> noise = new HashMap<>();
        List<float[]> reference = run(Calibrator.exposeTensors(prepared.toProto(), exposed), outputs, (name, buf) -> {
            if (!outputs.contains(name) || candidates.contains(name)) {
                noise.merge(name, relativeNoise(buf, paramsOfRoot.apply(plan.root(name))), Double::sum);
            }
        });
        List<String> ranked = new ArrayList<>(candidates);
        ranked.sort(Comparator.comparingDouble((String t) -> noise.getOrDefault(t, 0.0)).reversed());
        int budget = (int) Math.floor(budgetFraction * plan.activations().size());
        int step = Math.max(1, budget / 6);
        Set<String> kept = new LinkedHashSet<>();
        double before = cosine(reference, Set.of());
        double best = before;
        int trials = 1;
        for (int i = 0; i < ranked.size() && best < target && kept.size() + step <= budget; i += step) {
            Set<String> trial = new LinkedHashSet<>(kept);
            trial.addAll(ranked.subList(i, Math.min(ranked.size(), i + step)));
            double c = cosine(reference, trial);
            trials++;
            if (c > best) {
                best = c;
                kept = trial;
            }
        }
        return new Outcome(kept, before, best, trials);
    }

    /** Quantized tensors whose pair can go without changing the model's meaning (not a folded Relu/Clip's output). */
    private List<String> candidates(QdqPlan plan) {
        Set<String> foldedOutputs = new LinkedHashSet<>();
        for (Node act : plan.folded().keySet()) {
            foldedOutputs.add(act.output(0));
        }
        List<String> out = new ArrayList<>();
        for (String t : plan.activations().keySet()) {
            if (!foldedOutputs.contains(t) && !prepared.graph().isGraphOutput(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Output cosine vs float of the model quantized with {@code floatTensors} left without a pair. */
    private double cosine(List<float[]> reference, Set<String> floatTensors) throws OrtException {
        Model copy = prepared.copy();
        QdqPlan plan = QdqPlanner.plan(copy.graph(), options);
        floatTensors.forEach(plan::keepFloat);
        new QdqRewriter(copy.graph(), plan, options, paramsOfRoot).rewrite();
        List<String> outputs = copy.graph().outputs().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        List<float[]> got = run(copy.toProto(), outputs, (n, b) -> { });
        double dot = 0;
        double a2 = 0;
        double b2 = 0;
        for (int i = 0; i < got.size(); i++) {
            float[] a = reference.get(i);
            float[] b = got.get(i);
            for (int j = 0; j < a.length; j++) {
                dot += (double) a[j] * b[j];
                a2 += (double) a[j] * a[j];
                b2 += (double) b[j] * b[j];
            }
        }
        return a2 == 0 || b2 == 0 ? 0 : dot / Math.sqrt(a2 * b2);
    }

    private interface Sink {
        void accept(String name, FloatBuffer values);
    }

    /** Runs {@code model} over the samples one at a time; returns the flattened outputs, per sample and output. */
    private List<float[]> run(OnnxMl.ModelProto model, List<String> outputs, Sink exposed) throws OrtException {
        List<float[]> result = new ArrayList<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            if (options.calibration().intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.calibration().intraOpThreads());
            }
            try (OrtSession session = env.createSession(model.toByteArray(), so)) {
                for (int s = 0; s < samples; s++) {
                    Map<String, OnnxTensor> inputs = data.batch(env, s, 1);
                    try (OrtSession.Result r = session.run(inputs)) {
                        for (Map.Entry<String, OnnxValue> e : r) {
                            if (e.getValue() instanceof OnnxTensor t
                                    && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                                FloatBuffer buf = t.getFloatBuffer();
                                if (outputs.contains(e.getKey())) {
                                    float[] copy = new float[buf.remaining()];
                                    buf.duplicate().get(copy);
                                    result.add(copy);
                                }
                                exposed.accept(e.getKey(), buf);
                            }
                        }
                    } finally {
                        inputs.values().forEach(OnnxTensor::close);
                    }
                }
            }
        }
        return result;
    }

    private static double relativeNoise(FloatBuffer values, QuantParams p) {
        double err = 0;
        double norm = 1e-30;
        for (int i = values.position(); i < values.limit(); i++) {
            float x = values.get(i);
            long q = Math.max(p.type().qmin(), Math.min(p.type().qmax(), Math.round(x / p.scale()) + p.zeroPoint()));
            double d = x - (q - p.zeroPoint()) * (double) p.scale();
            err += d * d;
            norm += (double) x * x;
        }
        return err / norm;
    }
}
