package dev.modelforge.compress.pass;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.compress.calibrate.ActivationType;
import dev.modelforge.compress.calibrate.CalibrationException;
import dev.modelforge.compress.calibrate.CalibrationMethod;
import dev.modelforge.compress.calibrate.CalibrationSettings;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.qdq.QdqQuantizer;
import dev.modelforge.compress.pass.qdq.StaticQuantOptions;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.DatasetException;
import dev.modelforge.onnx.data.EvalDataset;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code int8-static}: static int8 quantization in the QDQ form ONNX Runtime fuses into integer
 * kernels (QLinearConv, QGemm, QLinearMatMul, QLinearAdd/Concat/AveragePool...).
 *
 * <p>BatchNormalization is folded into Conv first, activation ranges come from running the float
 * model over the calibration set ({@code --calibration}), weights become int8 symmetric per output
 * channel and biases int32 at input scale × weight scale. Needs default-domain opset ≥ 13 (per-axis
 * DequantizeLinear); older models are upgraded only when every op keeps its meaning.
 * Details of placement: {@link dev.modelforge.compress.pass.qdq.QdqQuantizer}.
 */
public final class StaticQdqQuantization implements Pass {

    /** The recipe name. */
    public static final String NAME = "int8-static";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "static int8 QDQ quantization with calibration (per-channel int8 weights, uint8/int8 activations)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.choice("activationType", "uint8", List.of("uint8", "int8"),
                        "activation type: uint8 asymmetric or int8 symmetric"),
                ParamSpec.choice("weightType", "int8", List.of("int8"), "weight type (int8 symmetric)"),
                ParamSpec.bool("perChannel", true, "one weight scale per output channel"),
                ParamSpec.choice("calibration", "minmax", List.of("minmax", "percentile", "entropy"),
                        "how activation ranges are chosen"),
                ParamSpec.number("percentile", 99.99, 50, 100, "percentile of |x| kept by percentile calibration"),
                ParamSpec.bool("reduceRange", false, "7-bit weights for CPUs without VNNI (avoids U8S8 saturation)"),
                ParamSpec.stringList("excludeNodes", "node names kept in float"),
                ParamSpec.stringList("excludeOpTypes", "op types kept in float"),
                ParamSpec.integer("minConvInputChannels", StaticQuantOptions.DEFAULT_MIN_CONV_INPUT_CHANNELS, 1, 1 << 20,
                        "a dense Conv with fewer input channels per group keeps float compute with int8 weights"
                                + " (ORT's int8 conv is slower than float there); 1 quantizes every Conv"),
                ParamSpec.choice("unprovenPool", "float", List.of("float", "quantize"),
                        "a Conv behind a float MaxPool whose input is not shown non-negative: keep float compute"
                                + " (int8 weights) or quantize it anyway (ORT then runs that MaxPool on uint8); auto"
                                + " measures both"),
                ParamSpec.number("fallbackCosine", 0, 0, 1, "fallback by tensor: leave the noisiest activation tensors"
                        + " without Q/DQ (float there) while the output cosine on the calibration samples is below this;"
                        + " 0 = off"),
                ParamSpec.number("fallbackBudget", 0.1, 0, 1, "fallbackCosine spends at most this fraction of the"
                        + " price of leaving every quantized tensor float (1 per tensor, 16 more per Conv/MatMul it"
                        + " turns from an integer kernel into float compute)"),
                ParamSpec.integer("calibrationBatchSize", 16, 1, 4096, "samples per calibration run"),
                ParamSpec.integer("maxCalibrationSamples", 0, 0, Integer.MAX_VALUE,
                        "use at most this many calibration samples (0 = all)"));
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        StaticQuantOptions options = options(ctx.params(), ctx.threads());
        Path data = ctx.calibrationData().orElseThrow(() -> new PassException(NAME,
                "needs a calibration set: " + ctx.audience().supplyCalibration() + " (an .npz with arrays named like"
                        + " the graph inputs, or an ONNX test-data directory/.zip) of representative inputs"));
        QdqQuantizer quantizer = new QdqQuantizer(NAME, options, ctx.params())
                .withTensorFallback(ctx.params().number("fallbackCosine"), ctx.params().number("fallbackBudget"));
        Model prepared = quantizer.prepare(in);
        EvalDataset dataset = load(data, prepared.toProto(), ctx.audience());
        try {
            return quantizer.quantize(in, prepared, dataset,
                    (done, total) -> ctx.progress().onProgress("calibrate", done, total));
        } catch (CalibrationException e) {
            throw new PassException(NAME, "calibration failed: " + e.getMessage(), e);
        }
    }

    private static EvalDataset load(Path data, OnnxMl.ModelProto model, Audience audience) throws PassException {
        try {
            return EvalDataset.load(data, ModelSignature.of(model));
        } catch (DatasetException e) {
            throw new PassException(NAME, audience.calibrationSet(data) + " does not fit the model: " + e.getMessage()
                    + " (" + audience.fixCalibration() + ")", e);
        }
    }

    /** Typed options from validated parameters. */
    static StaticQuantOptions options(PassParams p, int threads) {
        CalibrationSettings calibration = new CalibrationSettings(CalibrationMethod.parse(p.string("calibration")),
                p.number("percentile"), (int) p.integer("calibrationBatchSize"),
                (int) Math.min(Integer.MAX_VALUE, p.integer("maxCalibrationSamples")), threads);
        Set<String> nodes = new HashSet<>(p.stringList("excludeNodes"));
        Set<String> ops = new HashSet<>(p.stringList("excludeOpTypes"));
        return new StaticQuantOptions(ActivationType.parse(p.string("activationType")), p.bool("perChannel"),
                p.bool("reduceRange"), calibration, nodes, ops, (int) p.integer("minConvInputChannels"),
                "quantize".equals(p.string("unprovenPool")));
    }
}
