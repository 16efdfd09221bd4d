package dev.modelforge.bench;

import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * int8-static on a third-party image model that arrives in an old opset (PaddleOCR's opset-9 classifier, opset-11
 * detector), which the compressor now upgrades op by op: size, cosine vs float on held-out synthetic images, and
 * paired p50 latency ratios at batch 1 and 64 with 1 and 2 intra-op threads ({@link QuantizationBench#pairedP50Ratio},
 * spinning off, interleaved).
 *
 * <p>Run: {@code java -cp <bench classpath> dev.modelforge.bench.ThirdPartyQuantBench MODEL.onnx H W [iterations]
 * [batches] [calibration method]} (input name {@code x}, NCHW, 3 channels).
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
        String method = args.length > 5 ? args[5] : "percentile";
        Path work = Files.createTempDirectory("thirdparty-quant-bench");
        int largest = java.util.Arrays.stream(batches).max().orElse(1);
        Path calib = images(work.resolve("calib.npz"), 1, 16, h, w);
        Path eval = images(work.resolve("eval.npz"), 2, Math.max(8, largest), h, w);
        Path out = work.resolve("int8.onnx");
        CompressionReport r = new Compressor().compress(new CompressionRequest(model, out,
                Recipe.of(new RecipeStep("int8-static", Map.of("calibration", method))), Optional.of(calib),
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

    /** Strokes on a background, normalised roughly as PaddleOCR feeds images (same generator as its test). */
    static Path images(Path file, long seed, int count, int h, int w) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[count * 3 * h * w];
        for (int s = 0; s < count; s++) {
            double fx = 0.05 + r.nextDouble() * 0.4;
            double fy = 0.05 + r.nextDouble() * 0.4;
            double phase = r.nextDouble() * 6.28;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double stroke = Math.sin(fx * x + phase) * Math.cos(fy * y) > 0.6 ? -1.5 : 1.2;
                        v[((s * 3 + c) * h + y) * w + x] = (float) (stroke + 0.15 * (r.nextDouble() - 0.5) + 0.1 * c);
                    }
                }
            }
        }
        Npz.write(file, Map.of("x", NdArray.ofFloats(v, count, 3, h, w)));
        return file;
    }
}
