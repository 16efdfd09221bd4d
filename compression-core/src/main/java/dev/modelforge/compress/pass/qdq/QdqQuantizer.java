package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.calibrate.CalibrationProgress;
import dev.modelforge.compress.calibrate.CalibrationResult;
import dev.modelforge.compress.calibrate.Calibrator;
import dev.modelforge.compress.calibrate.EvalDatasetCalibrationData;
import dev.modelforge.compress.calibrate.QuantParams;
import dev.modelforge.compress.calibrate.TensorObserver;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.pass.NothingToDoException;
import dev.modelforge.compress.pass.Opsets;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassReport;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.onnx.data.EvalDataset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The steps of static QDQ quantization, in order: {@link #prepare} (opset check, BatchNorm folding,
 * placement plan on the float graph) and {@link #quantize} (calibration of the planned tensors,
 * rewrite, report).
 *
 * <p>Placement follows ORT's fusion rules: a quantized op sees each input through DequantizeLinear
 * and its output goes straight into QuantizeLinear; a ReLU/Clip that is the only reader of a quantized
 * op's output is removed and its output range used instead (uint8 only: zero point 0 = qmin makes the
 * quantizer's clamp a ReLU); MaxPool/Reshape/Flatten/Transpose/Squeeze/Unsqueeze reuse their input's
 * scale and zero point; Add/Mul/Concat get pairs on every input and the output; a MatMul/Gemm whose
 * output is a graph output keeps a float output (MatMulIntegerToFloat / QGemm with float output).
 *
 * <p>A dense Conv with fewer than {@code minConvInputChannels} input channels per group (a 1-channel
 * image stem) keeps float compute: int8 per-channel weights restored by Cast → Mul(scale) (small file;
 * ORT folds them back to a float constant at load, which it does not do for DequantizeLinear), float
 * input, float bias, no Q/DQ on its activations. A Conv whose input comes from float ops through a
 * MaxPool is quantized when that input is non-negative by construction (a Relu before the pool) and
 * activations are uint8: its QuantizeLinear reads a Relu guard, which stops ORT from moving it in front
 * of the MaxPool (a slow uint8 NCHW MaxPool) and which ORT then removes. Otherwise it keeps float
 * compute like the stem.
 */
public final class QdqQuantizer {

    /** Ops whose presence means the model is already quantized. */
    private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear",
            "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger");

    private final String passName;
    private final StaticQuantOptions options;
    private List<BatchNormFolding.Fold> folds = List.of();
    private List<AffineFolding.Fold> affineFolds = List.of();
    private int divisions;
    private int chains;
    private QdqPlan plan;
    private Optional<String> opsetNote = Optional.empty();
    private double fallbackCosine;
    private double fallbackBudget;

    private final PassReport.Builder report;

    /** A quantizer for one run; the pass's elapsed time counts from here (calibration included). */
    public QdqQuantizer(String passName, StaticQuantOptions options, PassParams params) {
        this.passName = passName;
        this.options = options;
        this.report = new PassReport.Builder(passName, params);
    }

    /**
     * Turns on the fallback by tensor ({@link TensorFallback}): after calibration, quantized tensors lose their Q/DQ
     * pair, noisiest per unit of lost speed first, while that raises the output cosine on the calibration samples
     * towards {@code targetCosine}, spending at most {@code budgetFraction} of the price of leaving all of them float.
     * A target of 0 (the default) skips the search.
     */
    public QdqQuantizer withTensorFallback(double targetCosine, double budgetFraction) {
        this.fallbackCosine = targetCosine;
        this.fallbackBudget = budgetFraction;
        return this;
    }

    /**
     * A float copy of {@code in} ready for calibration: opset ≥ 13, topologically sorted, BatchNorm
     * folded into Conv (also in its Mul/Add form, {@link AffineFolding}); also plans where Q/DQ goes.
     *
     * @throws NothingToDoException if the model is already quantized or has nothing quantizable
     * @throws PassException        if its opset is too old to upgrade safely
     */
    public Model prepare(Model in) throws PassException {
        for (Node n : in.graph().nodes()) {
            if (QUANTIZED_OPS.contains(n.opType()) || n.opType().startsWith("QLinear")) {
                throw new NothingToDoException(passName, "the model is already quantized (it contains "
                        + n.opType() + " " + n.name() + ")");
            }
        }
        Model prepared = in.copy();
        opsetNote = Opsets.requireDefault(prepared, 13, passName);
        prepared.graph().sortTopologically();
        folds = BatchNormFolding.apply(prepared.graph());
        divisions = ConstantDivision.apply(prepared.graph());
        chains = ConstantChains.apply(prepared.graph());
        affineFolds = AffineFolding.apply(prepared.graph());
        plan = QdqPlanner.plan(prepared.graph(), options);
        if (!plan.quantizesAnything()) {
            throw new NothingToDoException(passName, "no Conv, Gemm, MatMul, Add, Mul, Concat or pooling op"
                    + " with float inputs is left to quantize (after exclusions)");
        }
        return prepared;
    }

    /**
     * Calibrates the planned tensors of {@code prepared} on {@code dataset} and rewrites it in place.
     *
     * @param in       the original input (for the report's size before)
     * @param prepared the model {@link #prepare} returned
     * @param dataset  the calibration set, validated against {@code prepared}
     * @param progress called after every calibration batch
     * @throws PassException if a planned tensor produced no finite value
     */
    private void fallBack(Model prepared, EvalDataset dataset, Map<String, QuantParams> rootParams)
            throws PassException {
        try {
            TensorFallback.Outcome o = new TensorFallback(prepared, options, rootParams::get,
                    new EvalDatasetCalibrationData(dataset)).search(fallbackCosine, fallbackBudget);
            o.floatTensors().forEach(plan::keepFloat);
            report.note(String.format(java.util.Locale.ROOT, "fallback by tensor: %d of %d quantized tensors keep float"
                    + " (no Q/DQ pair), chosen by their quantization noise per unit of lost speed on the calibration"
                    + " samples; output cosine"
                    + " there %.4f -> %.4f (target %.4f, %d trial rewrites)%s", o.floatTensors().size(),
                    plan.activations().size() + o.floatTensors().size(), o.cosineBefore(), o.cosineAfter(),
                    fallbackCosine, o.trials(), o.floatTensors().isEmpty() ? "" : ": " + o.floatTensors()));
        } catch (ai.onnxruntime.OrtException e) {
            throw new PassException(passName, "fallback by tensor could not run the model: " + e.getMessage(), e);
        }
    }

    public PassResult quantize(Model in, Model prepared, EvalDataset dataset, CalibrationProgress progress)
            throws PassException {
        if (plan == null) {
            throw new IllegalStateException("prepare() must run first");
        }
        List<ChannelEqualization.Pair> equalized;
        int biasCorrected;
        try {
            equalized = ChannelEqualization.apply(prepared, plan, options, new EvalDatasetCalibrationData(dataset));
            biasCorrected = BiasCorrection.apply(prepared, plan, options, new EvalDatasetCalibrationData(dataset));
        } catch (ai.onnxruntime.OrtException e) {
            throw new PassException(passName, "equalization or bias correction could not run the model: "
                    + e.getMessage(), e);
        }
        CalibrationResult calibration = Calibrator.run(prepared.toProto(), plan.calibrated(),
                new EvalDatasetCalibrationData(dataset), options.calibration(), progress);
        Map<String, QuantParams> rootParams = new LinkedHashMap<>();
        long observerBytes = 0;
        for (String root : plan.calibrated()) {
            if (!calibration.hasRange(root)) {
                throw new PassException(passName, "tensor " + root + " produced no finite value on the calibration"
                        + " set; exclude its consumer with excludeNodes or check the data");
            }
            rootParams.put(root, calibration.params(root, options.activationType()));
            TensorObserver observer = calibration.observer(root);
            observerBytes += observer.stateBytes();
        }
        QdqReport.Details details = QdqReport.capture(plan, calibration, rootParams, options.activationType());
        if (fallbackCosine > 0) {
            fallBack(prepared, dataset, rootParams);
        }
        QdqRewriter rewriter = new QdqRewriter(prepared.graph(), plan, options, rootParams::get);
        Map<Node, QdqRewriter.WeightInfo> weights = rewriter.rewrite();
        for (Node act : rewriter.reapplied()) {
            report.note(act.opType() + " " + act.name() + " is folded into the output quantizer of "
                    + plan.folded().get(act).name() + " and also kept for its float (excluded) readers");
        }
        if (!plan.guarded().isEmpty()) {
            report.note(plan.guarded().size() + " QuantizeLinear(s) behind a float MaxPool read a Relu guard, a no-op"
                    + " on that non-negative tensor, so ORT keeps the MaxPool float (ORT drops the Relu)");
        }
        long floatCompute = plan.decisions().stream().filter(d -> d.kind() == QdqPlan.Kind.WEIGHT_ONLY).count();
        if (floatCompute > 0) {
            report.note(floatCompute + " Conv(s) keep float compute with int8 weights (kept_float entries say why)");
        }
        if (!equalized.isEmpty()) {
            report.note("equalized the channel ranges of " + equalized.size() + " tensor(s) a Conv writes and a"
                    + " depthwise Conv reads (" + equalized.stream().map(ChannelEqualization.Pair::tensor).toList()
                    + "): writer channels scaled up to the loudest one's range, depthwise filters scaled down by the"
                    + " same factors, so one activation scale fits every channel");
        }
        if (biasCorrected > 0) {
            report.note("bias-corrected " + biasCorrected + " Conv(s): the mean output shift of their int8 weights"
                    + " (rounding error x mean input channel on the calibration samples) is added back to the bias");
        }
        opsetNote.ifPresent(report::note);
        report.noteUnknownNodes("excludeNodes", options.excludeNodes(), in.graph());
        if (!folds.isEmpty()) {
            report.note("folded " + folds.size() + " BatchNormalization node(s) into the preceding Conv");
        }
        if (chains > 0) {
            report.note("merged " + chains + " chained Mul/Add pair(s) with constant operands into one op each:"
                    + " one activation quantizer (and one QLinear op) fewer per pair");
        }
        if (divisions > 0) {
            report.note("rewrote " + divisions + " Div(x, constant) as Mul(x, 1/constant): ORT has a QLinearMul but no"
                    + " integer Div, which would run as a float round trip");
        }
        if (!affineFolds.isEmpty()) {
            report.note("folded " + affineFolds.size() + " constant per-channel Mul/Div/Add/Sub node(s) (a BatchNorm"
                    + " as some exporters write it) into the preceding Conv, so its output is quantized after the"
                    + " rescale");
        }
        report.note("calibration: " + options.calibration().method().id()
                + (options.calibration().method() == dev.modelforge.compress.calibrate.CalibrationMethod.PERCENTILE
                        ? " " + options.calibration().percentile() : "")
                + " over " + calibration.samples() + " samples in " + calibration.batches() + " batch(es); "
                + plan.calibrated().size() + " tensors observed, observer state " + observerBytes + " bytes");
        report.note("activations " + options.activationType().name().toLowerCase()
                + (options.activationType() == dev.modelforge.compress.calibrate.ActivationType.UINT8
                        ? " asymmetric" : " symmetric")
                + " per tensor; weights int8 symmetric " + (options.perChannel() ? "per channel" : "per tensor")
                + (options.reduceRange() ? " (reduced range, 7 bit)" : ""));
        QdqReport.addNodes(report, folds, plan, details, weights);
        return new PassResult(prepared, report.build(in, prepared));
    }
}
