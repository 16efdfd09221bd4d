package dev.modelforge.bench;

import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.testing.TextImages;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * int8-static on a third-party image model that arrives in an old opset (PaddleOCR's opset-9 classifier, opset-11
 * detector), which the compressor now upgrades op by op: size, cosine vs float on held-out rendered text images
 * ({@code TextImages}: ImageNet-normalised for a model whose file name says "det", (x-0.5)/0.5 otherwise), and
 * paired p50 latency ratios at batch 1 and 64 with 1 and 2 intra-op threads ({@link QuantizationBench#pairedP50Ratio},
 * spinning off, interleaved).
 *
 * <p>Run: {@code java -cp <bench classpath> dev.modelforge.bench.ThirdPartyQuantBench MODEL.onnx H W [iterations]
 * [batches] [calibration method, default minmax] [text lines per image, default H/32] [fallbackCosine, default 0 = off]
 * [fallbackBudget, default 0.1]} (input name {@code x}, NCHW, 3 channels).
 */
public final class ThirdPartyQuantBench {

    private ThirdPartyQuantBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int h = Integer.parseInt(args[1]);
        int w = Integer.parseInt(args[2]);
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int[] batches = QuantizationBench.batches(args.length > 4 ? args[4] : "1,64");
        String method = args.length > 5 ? args[5] : "minmax";
        int lines = args.length > 6 ? Integer.parseInt(args[6]) : Math.max(1, h / 32);
        // int8-static's fallback by tensor: 0 = off, else the output cosine on the calibration samples it aims for
        double fallbackCosine = args.length > 7 ? Double.parseDouble(args[7]) : 0;
        // the fallback spends at most this fraction of the price of leaving every quantized tensor float (default 0.1)
        double fallbackBudget = args.length > 8 ? Double.parseDouble(args[8]) : 0.1;
        // PaddleOCR feeds its detector ImageNet-normalised pixels, its classifier/recogniser (x - 0.5) / 0.5.
        boolean imagenet = model.getFileName().toString().contains("det");
        Path work = Files.createTempDirectory("thirdparty-quant-bench");
        int largest = java.util.Arrays.stream(batches).max().orElse(1);
        Path calib = images(imagenet, work.resolve("calib.npz"), 1, 16, h, w, lines);
        Path eval = images(imagenet, work.resolve("eval.npz"), 2, Math.max(8, largest), h, w, lines);
        Path out = work.resolve("int8.onnx");
        CompressionReport r = new Compressor().compress(new CompressionRequest(model, out,
                Recipe.of(new RecipeStep("int8-static", Map.of("calibration", method, "fallbackCosine", fallbackCosine,
                        "fallbackBudget", fallbackBudget))), Optional.of(calib),
                Optional.of(eval), 1, ValidationGate.loadAndRunOnly(), null));
        NdArray x = Npz.read(eval).get("x");
        System.out.printf("ThirdPartyQuantBench: %s, %d paired iterations per cell, %d cores, load %s%n",
                model.getFileName(), iterations, Runtime.getRuntime().availableProcessors(),
                QuantizationBench.loadAverage());
        System.out.println("| model | calibration | size ratio | cosine | p50 ratio "
                + QuantizationBench.latencyColumns(batches) + " | fused kernels |");
        System.out.printf("| %s | %s | %.3f | %.4f | %s | %s |%n", model.getFileName(), method, r.sizeRatio(),
                r.validation().metrics().cosineSimilarity(),
                QuantizationBench.latencyRatios(model, out, "x", x, batches, iterations),
                StaticQuantBench.fusedKernels(out, work));
    }

    private static Path images(boolean imagenet, Path file, long seed, int count, int h, int w, int lines) {
        return imagenet ? TextImages.imagenet(file, seed, count, h, w, lines)
                : TextImages.symmetric(file, seed, count, h, w, lines);
    }
}
