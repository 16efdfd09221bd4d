package dev.modelforge.compress.pass.qdq;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
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
 * (‖x − dq(q(x))‖² / ‖x‖² with its calibrated scale, on the values its readers tell apart) and the float outputs.
 * Tensors are ranked by that noise per unit of the speed their float-ness costs ({@link #KERNEL_COST}): an edge
 * between two elementwise ops costs 1, one that turns a Conv or MatMul from an integer kernel into float compute
 * costs 1 + 16 per kernel. The first trial leaves every cost-1 edge float at once; then ranked tensors follow a
 * sixth of the budget at a time, and a step is kept only if the end-to-end output cosine of the rewritten model
 * (run by ONNX Runtime) rises. It stops at the target cosine or when the budget (a fraction of the summed cost of
 * all candidates) is spent.
 */
final class TensorFallback {

    /**
     * Samples the search runs on (the first of the calibration set). 8 over-fitted the choice on a model whose output
     * is decided at a few uncertain positions (PP-OCRv4's recogniser: held-out cosine on 32 text lines 0.972 with 8,
     * 0.977 with 16, same budget); the detector's choice is the same with either. Twice the trial time.
     */
    private static final int MAX_SAMPLES = 16;

    /**
     * The price of turning one integer kernel into float compute, against 1 for a float elementwise edge. Measured on
     * PP-OCRv4's recogniser: leaving its 129 edges between elementwise ops float took it from 0.38–0.49 to 0.58–0.63
     * of float latency (~0.001 each), demoting 18 of its 37 Convs to float compute from there to parity (~0.03 each).
     */
    static final int KERNEL_COST = 16;

    /** What the search did. */
    record Outcome(Set<String> floatTensors, double cosineBefore, double cosineAfter, int trials) {
    }

    private final Model prepared;
    private final StaticQuantOptions options;
    private final Function<String, QuantParams> paramsOfRoot;
    private final CalibrationData data;
    private final int samples;

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
        SaturatingReaders readers = new SaturatingReaders(prepared.graph());
        List<float[]> reference = run(Calibrator.exposeTensors(prepared.toProto(), exposed), outputs,
                (name, shape, buf) -> {
                    if (!outputs.contains(name) || candidates.contains(name)) {
                        noise.merge(name, relativeNoise(buf, paramsOfRoot.apply(plan.root(name)),
                                readers.distinguished(name)), Double::sum);
                    }
                });
        Map<String, Integer> cost = new HashMap<>();
        candidates.forEach(t -> cost.put(t, cost(plan, t)));
        List<String> ranked = new ArrayList<>(candidates);
        ranked.sort(Comparator.comparingDouble((String t) -> noise.getOrDefault(t, 0.0) / cost.get(t)).reversed());
        double budget = budgetFraction * cost.values().stream().mapToInt(Integer::intValue).sum();
        double step = budget / 6;
        Set<String> kept = new LinkedHashSet<>();
        double spent = 0;
        double before = cosine(reference, Set.of());
        double best = before;
        int trials = 1;
        // First every edge that costs no integer kernel at once: the noise of a model like PP-OCRv4's recogniser
        // is spread over its elementwise chains, where no one step of the noisiest few moves the output measurably.
        Set<String> free = new LinkedHashSet<>();
        candidates.stream().filter(t -> cost.get(t) == 1).forEach(free::add);
        if (!free.isEmpty() && free.size() <= budget && best < target) {
            double c = cosine(reference, free);
            trials++;
            if (c > best) {
                best = c;
                kept = free;
                spent = free.size();
                ranked.removeAll(free);
            }
        }
        for (int i = 0; i < ranked.size() && best < target; ) {
            Set<String> trial = new LinkedHashSet<>(kept);
            double stepCost = 0;
            for (; i < ranked.size() && (stepCost == 0 || stepCost + cost.get(ranked.get(i)) <= step); i++) {
                trial.add(ranked.get(i));
                stepCost += cost.get(ranked.get(i));
            }
            if (spent + stepCost > budget) {
                break;
            }
            double c = cosine(reference, trial);
            trials++;
            if (c > best) {
                best = c;
                kept = trial;
                spent += stepCost;
            }
        }
        return new Outcome(kept, before, best, trials);
    }

    /**
     * What leaving {@code t} float costs: 1 for the float elementwise work around it, plus {@link #KERNEL_COST} for
     * each Conv or MatMul it turns from an integer kernel into float compute (a Conv writing or reading it, a MatMul
     * reading it; a MatMul writing a float tensor still runs as MatMulIntegerToFloat).
     */
    private int cost(QdqPlan plan, String t) {
        int kernels = 0;
        Node producer = prepared.graph().producer(t).orElse(null);
        if (producer != null && quantizedWeighted(plan, producer) && producer.is("Conv")) {
            kernels++;
        }
        for (Node r : prepared.graph().consumers(t)) {
            if (quantizedWeighted(plan, r)) {
                kernels++;
            }
        }
        return 1 + KERNEL_COST * kernels;
    }

    private static boolean quantizedWeighted(QdqPlan plan, Node n) {
        QdqPlan.Decision d = plan.decision(n);
        return d != null && d.kind() == QdqPlan.Kind.QUANTIZE_WEIGHTED;
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
        List<float[]> got = run(copy.toProto(), outputs, (n, shape, b) -> { });
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

    private List<float[]> run(OnnxMl.ModelProto model, List<String> outputs, SampleRuns.Sink exposed)
            throws OrtException {
        return SampleRuns.run(model, data, samples, options.calibration().intraOpThreads(), outputs, exposed);
    }

    /**
     * The noise on the values the tensor's readers tell apart: a value below a hard-swish's −3 that the quantizer
     * clamps to −3 is no error at all.
     */
    private static double relativeNoise(FloatBuffer values, QuantParams p, SaturatingReaders.Interval seen) {
        double err = 0;
        double norm = 1e-30;
        for (int i = values.position(); i < values.limit(); i++) {
            double x = Math.max(seen.low(), Math.min(seen.high(), values.get(i)));
            long q = Math.max(p.type().qmin(), Math.min(p.type().qmax(), Math.round(x / p.scale()) + p.zeroPoint()));
            double d = x - (q - p.zeroPoint()) * (double) p.scale();
            err += d * d;
            norm += x * x;
        }
        return err / norm;
    }
}
