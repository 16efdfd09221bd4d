package dev.modelforge.compress.pass.qdq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.modelforge.compress.calibrate.ActivationType;
import dev.modelforge.compress.calibrate.CalibrationData;
import dev.modelforge.compress.calibrate.CalibrationSettings;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.pass.StaticQdqQuantization;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two float rewrites int8-static makes before calibration: {@link ChannelEqualization} (a Conv's output channels
 * of very different ranges, read by a depthwise Conv) and {@link BiasCorrection} (the mean shift of int8 weights).
 */
class PreCalibrationRewritesTest {

    private static final int C = 8;
    private static final int HW = 6;
    private static final int SAMPLE = C * HW * HW;

    @TempDir
    Path dir;

    private static final StaticQuantOptions OPTIONS = new StaticQuantOptions(ActivationType.UINT8, true, false,
            CalibrationSettings.DEFAULT, Set.of(), Set.of(), 1);

    /**
     * A 1×1 Conv whose output channel c is scaled by 10^(−c/2) (a BatchNorm folded into it, say) feeding a depthwise
     * Conv that scales it back, so the model's output is balanced but the tensor between spans 3.5 decades: one
     * per-tensor activation scale there rounds the quiet channels to zero unless the ranges are equalized first.
     */
    private static OnnxMl.ModelProto unbalancedStem() {
        float[] w1 = ProtoGraph.random(1, C * C, 1f);
        float[] b1 = ProtoGraph.random(2, C, 0.2f);
        float[] dw = ProtoGraph.random(3, C * 9, 1f);
        float[] b2 = ProtoGraph.random(4, C, 0.2f);
        for (int c = 0; c < C; c++) {
            double s = Math.pow(10, -c / 2.0);
            for (int i = 0; i < C; i++) {
                w1[c * C + i] *= (float) s;
            }
            b1[c] *= (float) s;
            for (int t = 0; t < 9; t++) {
                dw[c * 9 + t] /= (float) s;
            }
        }
        return new ProtoGraph(13).input("x", -1, C, HW, HW)
                .initializer("w1", w1, C, C, 1, 1).initializer("b1", b1, C)
                .initializer("dw", dw, C, 1, 3, 3).initializer("b2", b2, C)
                .node("Conv", "stem", new String[] {"x", "w1", "b1"}, new String[] {"y1"})
                .node("Conv", "depthwise", new String[] {"y1", "dw", "b2"}, new String[] {"y"},
                        "group", (long) C, "pads", new long[] {1, 1, 1, 1})
                .output("y").build();
    }

    @Test
    void equalizationKeepsTheQuietChannelsOfATensorADepthwiseConvReads() throws Exception {
        OnnxMl.ModelProto model = unbalancedStem();
        Path calibration = dir.resolve("calib.npz");
        Npz.write(calibration, Map.of("x", NdArray.ofFloats(ProtoGraph.random(99, 32 * SAMPLE, 1f), 32, C, HW, HW)));
        StaticQdqQuantization pass = new StaticQdqQuantization();
        PassContext ctx = new PassContext(PassParams.resolve(pass, Map.of("minConvInputChannels", 1)),
                Optional.of(calibration), ProgressListener.NONE, 1, dir);
        PassResult result = pass.apply(Model.fromProto(model, null), ctx);
        assertThat(result.report().notes()).anyMatch(n -> n.contains("equalized the channel ranges of 1 tensor(s)")
                && n.contains("y1"));

        int n = 4;
        float[] input = ProtoGraph.random(7, n * SAMPLE, 1f);
        float[] expected = OrtHarness.run(model, "x", input, n, C, HW, HW);
        float[] actual = OrtHarness.run(result.model().toProto(), "x", input, n, C, HW, HW);
        // every output channel within 5 % of its own range; without equalization the quietest four are rounded away
        for (int c = 0; c < C; c++) {
            double range = 0;
            double err = 0;
            for (int b = 0; b < n; b++) {
                for (int p = 0; p < HW * HW; p++) {
                    int i = (b * C + c) * HW * HW + p;
                    range = Math.max(range, Math.abs(expected[i]));
                    err = Math.max(err, Math.abs(expected[i] - actual[i]));
                }
            }
            assertThat(err).as("channel %d: max error %.4f of range %.4f", c, err, range).isLessThan(0.05 * range);
        }
    }

    @Test
    void equalizationChangesNothingInFloat() throws Exception {
        OnnxMl.ModelProto model = unbalancedStem();
        Model prepared = Model.fromProto(model, null);
        QdqPlan plan = QdqPlanner.plan(prepared.graph(), OPTIONS);
        List<ChannelEqualization.Pair> changed = ChannelEqualization.apply(prepared, plan, OPTIONS,
                new Samples(16, 0f, 1f));
        assertThat(changed).extracting(ChannelEqualization.Pair::tensor).containsExactly("y1");
        assertThat(prepared.graph().initializer("w1").orElseThrow().floats())
                .as("the quiet channels were scaled up").isNotEqualTo(Model.fromProto(model, null).graph()
                        .initializer("w1").orElseThrow().floats());

        float[] input = ProtoGraph.random(8, 2 * SAMPLE, 1f);
        float[] before = OrtHarness.run(model, "x", input, 2, C, HW, HW);
        float[] after = OrtHarness.run(prepared.toProto(), "x", input, 2, C, HW, HW);
        assertThat(OrtHarness.maxAbsDiff(before, after)).isLessThan(1e-4 * OrtHarness.maxAbs(before));
    }

    /**
     * A depthwise Conv on inputs with a large positive mean (what hard-swish hands on): the rounding error of its 9
     * int8 weights per channel becomes a constant shift of that channel's output, which bias correction removes.
     */
    @Test
    void biasCorrectionRemovesTheMeanShiftOfInt8Weights() throws Exception {
        float[] dw = ProtoGraph.random(11, C * 9, 1f);
        float[] bias = ProtoGraph.random(12, C, 0.1f);
        OnnxMl.ModelProto model = new ProtoGraph(13).input("x", -1, C, HW, HW)
                .initializer("dw", dw, C, 1, 3, 3).initializer("b", bias, C)
                .node("Conv", "depthwise", new String[] {"x", "dw", "b"}, new String[] {"y"}, "group", (long) C)
                .output("y").build();
        Model prepared = Model.fromProto(model, null);
        QdqPlan plan = QdqPlanner.plan(prepared.graph(), OPTIONS);
        assertThat(BiasCorrection.apply(prepared, plan, OPTIONS, new Samples(16, 10f, 1f))).isEqualTo(1);
        float[] corrected = prepared.graph().initializer("b").orElseThrow().floats();

        WeightQuantizer.Quantized q = WeightQuantizer.quantize(dw, new long[] {C, 1, 3, 3}, 0, true, 127);
        float[] rounded = new float[dw.length];
        for (int i = 0; i < dw.length; i++) {
            rounded[i] = q.values()[i] * q.scales()[i / 9];
        }
        Samples heldOut = new Samples(8, 10f, 1f, 77);
        float[] input = heldOut.data;
        long[] shape = {8, C, HW, HW};
        float[] exact = OrtHarness.run(model, "x", input, shape);
        float[] plain = OrtHarness.run(withWeights(model, rounded, bias), "x", input, shape);
        float[] fixed = OrtHarness.run(withWeights(model, rounded, corrected), "x", input, shape);
        double[] shiftPlain = channelMeanDiff(plain, exact);
        double[] shiftFixed = channelMeanDiff(fixed, exact);
        double sumPlain = 0;
        double sumFixed = 0;
        for (int c = 0; c < C; c++) {
            sumPlain += Math.abs(shiftPlain[c]);
            sumFixed += Math.abs(shiftFixed[c]);
        }
        assertThat(sumPlain).as("int8 weights shift the channel means").isGreaterThan(0.01);
        assertThat(sumFixed).as("after correction (before: %.4f)", sumPlain).isLessThan(0.1 * sumPlain);
    }

    private static OnnxMl.ModelProto withWeights(OnnxMl.ModelProto model, float[] weights, float[] bias) {
        Model m = Model.fromProto(model, null);
        m.graph().putInitializer(Tensor.ofFloats("dw", new long[] {C, 1, 3, 3}, weights));
        m.graph().putInitializer(Tensor.ofFloats("b", new long[] {C}, bias));
        return m.toProto();
    }

    /** Per channel: mean of a − mean of b over batch and positions ([N, C, H', W'] outputs). */
    private static double[] channelMeanDiff(float[] a, float[] b) {
        int per = a.length / C / 8;
        double[] d = new double[C];
        for (int i = 0; i < a.length; i++) {
            d[(i / per) % C] += a[i] - b[i];
        }
        for (int c = 0; c < C; c++) {
            d[c] /= a.length / (double) C;
        }
        return d;
    }

    /** {@code count} samples of shape [C, HW, HW], values mean + uniform[-spread, spread]. */
    private static final class Samples implements CalibrationData {
        final float[] data;
        final int count;

        Samples(int count, float mean, float spread) {
            this(count, mean, spread, 42);
        }

        Samples(int count, float mean, float spread, long seed) {
            this.count = count;
            this.data = ProtoGraph.random(seed, count * SAMPLE, spread);
            for (int i = 0; i < data.length; i++) {
                data[i] += mean;
            }
        }

        @Override
        public int sampleCount() {
            return count;
        }

        @Override
        public Map<String, OnnxTensor> batch(OrtEnvironment env, int start, int size) throws OrtException {
            return Map.of("x", OnnxTensor.createTensor(env, FloatBuffer.wrap(data, start * SAMPLE, size * SAMPLE).slice(),
                    new long[] {size, C, HW, HW}));
        }
    }
}
