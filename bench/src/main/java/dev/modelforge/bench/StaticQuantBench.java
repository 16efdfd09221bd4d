package dev.modelforge.bench;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.validate.Metrics;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.onnx.OnnxFiles;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * int8-static on the digits CNN fixtures (the small one and the 2x-wide one, which share their data), float vs
 * quantized side by side: size ratio, p50 latency
 * ratio at batch 1 (overhead-bound), 8 (the benchmark worker's throughput batch) and 64 (compute-bound) with 1
 * and 2 intra-op threads
 * (paired, interleaved, spinning off: {@link QuantizationBench#pairedP50Ratio}), top-1 accuracy
 * delta on the eval split, compression time, and the integer kernels ORT fused.
 *
 * <p>Run: {@code java -cp <bench classpath> dev.modelforge.bench.StaticQuantBench [fixturesDir] [iterations]
 * [batches, e.g. 1,8,64]}.
 */
public final class StaticQuantBench {

    private StaticQuantBench() {
    }

    public static void main(String[] args) throws Exception {
        Path fixtures = Path.of(args.length > 0 ? args[0] : "compression-core/src/test/resources/fixtures");
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int[] batches = QuantizationBench.batches(args.length > 2 ? args[2] : "1,8,64");
        Path calib = fixtures.resolve("digits_cnn_calib.npz");
        Path eval = fixtures.resolve("digits_cnn_eval.npz");
        Path work = Files.createTempDirectory("static-quant-bench");
        Map<String, NdArray> data = Npz.read(eval);
        String input = data.keySet().stream().filter(k -> !k.equals("labels")).findFirst().orElseThrow();
        NdArray x = data.get(input);

        System.out.printf("StaticQuantBench: %d paired iterations per cell, %d cores, load %s%n",
                iterations, Runtime.getRuntime().availableProcessors(), QuantizationBench.loadAverage());
        System.out.println("| model | calibration | size ratio | top-1 float → int8 (Δ pt) | compress ms (pass ms) "
                + "| p50 ratio " + QuantizationBench.latencyColumns(batches) + " | fused kernels |");
        System.out.println("|---|---|---|---|---|" + "---|".repeat(2 * batches.length) + "---|");
        for (String model : List.of("digits_cnn", "digits_cnn_wide")) {
            Path in = fixtures.resolve(model + ".onnx");
            for (String method : List.of("minmax", "percentile", "entropy")) {
                Path out = work.resolve(model + "-int8-static-" + method + ".onnx");
                Recipe recipe = Recipe.of(new RecipeStep("int8-static", Map.of("calibration", method)));
                CompressionReport r = new Compressor().compress(new CompressionRequest(in, out, recipe,
                        Optional.of(calib), Optional.of(eval), 1, ValidationGate.loadAndRunOnly(), null));
                Metrics m = r.validation().metrics();
                long passMillis = r.passes().stream().mapToLong(p -> p.elapsedMillis()).sum();
                String ratios = QuantizationBench.latencyRatios(in, out, input, x, batches, iterations);
                System.out.printf("| %s | %s | %.3f | %.2f%% → %.2f%% (%+.2f) | %d (%d) | %s | %s |%n",
                        model, method, r.sizeRatio(), m.referenceAccuracy() * 100, m.accuracy() * 100,
                        -m.accuracyDropPoints(), r.elapsedMillis(), passMillis, ratios, fusedKernels(out, work));
            }
        }
    }

    /** Integer kernels in the graph ORT actually runs (its optimized model). */
    static String fusedKernels(Path model, Path work) throws Exception {
        Path optimized = work.resolve(model.getFileName() + ".ort-optimized.onnx");
        try (OrtSession s = OrtSessions.open(model, 1, optimized)) {
            s.getInputInfo();
        }
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxMl.NodeProto n : OnnxFiles.read(optimized).getGraph().getNodeList()) {
            if (n.getOpType().startsWith("QLinear") || n.getOpType().startsWith("QGemm")
                    || n.getOpType().contains("Integer")) {
                ops.merge(n.getOpType(), 1, Integer::sum);
            }
        }
        return ops.toString();
    }
}
