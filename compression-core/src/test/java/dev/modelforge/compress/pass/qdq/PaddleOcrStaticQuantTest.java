package dev.modelforge.compress.pass.qdq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.testing.TextImages;
import dev.modelforge.compress.testing.ThirdPartyModels;
import dev.modelforge.onnx.OnnxFiles;
import dev.modelforge.compress.validate.ValidationGate;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PaddleOCR's exported models (opset 9 classifier, opset 11 detector) were refused by int8-static for their
 * old ops (Clip/Slice/Softmax attributes, Resize 11). After the op-by-op opset upgrade they quantize: ONNX
 * Runtime validates the variant against the float model on held-out images, and its optimised graph runs the
 * convolutions as integer kernels (the paired latency is in bench's
 * {@code ThirdPartyQuantBench}, not here).
 */
class PaddleOcrStaticQuantTest {

    @TempDir
    Path tmp;

    /**
     * Fed rendered text ({@link TextImages}), the models see what they were trained on: the detector's
     * probability map has text regions, so the cosine measures them rather than noise on an empty map (on
     * abstract stripes the map was ~0 everywhere and the cosine 0.10–0.74). With the exporter's Mul/Add
     * BatchNorms folded into the Convs ({@link AffineFolding}), constant divisors as products ({@link
     * ConstantDivision}) and min-max calibration, the classifier measures 0.9993 and the detector 0.981
     * (percentile calibration: 0.929 — clipping the large activations this detector's logits depend on costs more
     * than it saves). The detector's remaining loss is spread over its ~230 quantized tensors rather than one layer,
     * and excluding nodes does not help (their neighbours still quantize the same tensors); the fallback by tensor
     * ({@link TensorFallback}, {@code fallbackCosine=0.995} on the calibration samples) leaves ~21 of them without a
     * Q/DQ pair and the held-out cosine reaches 0.993, so the 0.99 is asserted for both.
     */
    @ParameterizedTest
    @CsvSource({"ppocr-mobile-v2-cls, 48, 192, 1, 0.99, 0", "ppocr-v4-det, 128, 128, 4, 0.99, 0.995"})
    void oldOpsetPaddleModelsQuantizeAndStayFaithful(String id, int h, int w, int lines, double minCosine,
                                                     double fallbackCosine)
            throws Exception {
        Path in = ThirdPartyModels.resolve(ThirdPartyModels.byId(id));
        boolean detector = id.contains("det");
        Path calibration = detector ? TextImages.imagenet(tmp.resolve("calib.npz"), 1, 16, h, w, lines)
                : TextImages.symmetric(tmp.resolve("calib.npz"), 1, 16, h, w, lines);
        Path eval = detector ? TextImages.imagenet(tmp.resolve("eval.npz"), 2, 8, h, w, lines)
                : TextImages.symmetric(tmp.resolve("eval.npz"), 2, 8, h, w, lines);
        Path out = tmp.resolve(id + "-int8.onnx");
        CompressionReport r = new Compressor().compress(new CompressionRequest(in, out, Recipe.of(
                RecipeStep.of("int8-static").with("fallbackCosine", fallbackCosine)),
                Optional.of(calibration), Optional.of(eval), 1, new ValidationGate(100.0, minCosine), null));
        assertThat(r.validation().passed()).as(r.validation().failure()).isTrue();
        assertThat(r.validation().metrics().cosineSimilarity()).isGreaterThanOrEqualTo(minCosine);
        assertThat(r.passes().get(0).notes()).anyMatch(n -> n.contains("default opset raised") && n.contains("rewritten"));
        OnnxMl.ModelProto optimized = OrtHarness.optimized(OnnxFiles.read(out), tmp);
        Map<String, Integer> ops = OrtHarness.ops(optimized);
        assertThat(ops.getOrDefault("QLinearConv", 0)).as(ops.toString()).isGreaterThan(10);
        if (fallbackCosine > 0) {
            assertThat(r.passes().get(0).notes()).anyMatch(n -> n.startsWith("fallback by tensor"));
            r.passes().get(0).notes().stream().filter(n -> n.startsWith("fallback by tensor"))
                    .forEach(System.out::println);
        }
        System.out.printf("PADDLE %s: size %.3fx cosine %.5f optimised ops %s, DQ->Q pairs %d%n", id, r.sizeRatio(),
                r.validation().metrics().cosineSimilarity(), ops, OrtHarness.dqToQPairs(optimized));
    }

    /**
     * PP-OCRv4's recogniser (opset 9, PPLCNetV3 backbone + an SVTR attention neck, CTC softmax over 6,625 characters
     * per timestep) on 32 held-out 48×320 text lines. The flattened softmax is dominated by confident timesteps, and
     * quantization flips the uncertain ones (blank ↔ space between words, a repeated character). Plain min-max
     * int8-static measured 0.929 here; equalizing the BN-folded stem's channels into the depthwise Conv that reads it
     * ({@link ChannelEqualization}: that one tensor cost 0.026) and bias correction of the int8 Convs
     * ({@link BiasCorrection}) take it to ~0.97. The rest is spread over ~200 tensors; the fallback by tensor, ranked
     * by noise per unit of lost speed (every edge between elementwise ops first, then the noisiest Conv/MatMul edges),
     * reaches the 0.99 on all 32 lines while the variant stays faster than float (bench:
     * {@code ThirdPartyQuantBench}).
     */
    @org.junit.jupiter.api.Test
    void ppOcrV4RecogniserQuantizesWithFallbackByTensor() throws Exception {
        Path in = ThirdPartyModels.resolve(ThirdPartyModels.byId("ppocr-v4-rec"));
        Path calibration = TextImages.symmetric(tmp.resolve("calib.npz"), 1, 16, 48, 320, 1);
        Path eval = TextImages.symmetric(tmp.resolve("eval.npz"), 2, 32, 48, 320, 1);
        Path out = tmp.resolve("rec-int8.onnx");
        double minCosine = 0.99;
        CompressionReport r = new Compressor().compress(new CompressionRequest(in, out, Recipe.of(
                RecipeStep.of("int8-static").with("fallbackCosine", 0.998).with("fallbackBudget", 0.5)),
                Optional.of(calibration), Optional.of(eval), 1, new ValidationGate(100.0, minCosine), null));
        assertThat(r.validation().passed()).as(r.validation().failure()).isTrue();
        assertThat(r.validation().metrics().cosineSimilarity()).isGreaterThanOrEqualTo(minCosine);
        assertThat(r.passes().get(0).notes()).anyMatch(n -> n.startsWith("fallback by tensor"));
        OnnxMl.ModelProto optimized = OrtHarness.optimized(OnnxFiles.read(out), tmp);
        Map<String, Integer> ops = OrtHarness.ops(optimized);
        // the backbone's pointwise Convs and the neck's projections run as integer kernels
        assertThat(ops.getOrDefault("QLinearConv", 0)).as(ops.toString()).isGreaterThan(10);
        assertThat(ops.getOrDefault("QLinearMatMul", 0) + ops.getOrDefault("MatMulIntegerToFloat", 0))
                .as(ops.toString()).isGreaterThanOrEqualTo(8);
        System.out.printf("PADDLE ppocr-v4-rec: size %.3fx cosine %.5f optimised ops %s%n", r.sizeRatio(),
                r.validation().metrics().cosineSimilarity(), ops);
    }
}
