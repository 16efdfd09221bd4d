package dev.modelforge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Why int8-static scales worse than float from 1 to 2 intra-op threads on a compute-bound CNN at batch 64: per op
 * type, ORT's profiler time per run at 1 and 2 threads for the float model and its int8-static variant, and the
 * paired int8/float p50 ratio at 1 and 2 threads repeated, so a bimodal cell shows as such.
 *
 * <p>Run: {@code java -cp <bench classpath> dev.modelforge.bench.ThreadScalingBench FIXTURES [iterations] [repeats]
 * [batch] [models]}.
 */
public final class ThreadScalingBench {

    private ThreadScalingBench() {
    }

    public static void main(String[] args) throws Exception {
        Path fixtures = Path.of(args.length > 0 ? args[0] : "compression-core/src/test/resources/fixtures");
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        List<String> models = List.of((args.length > 4 ? args[4] : "digits_cnn,digits_cnn_wide").split(","));
        Path work = Files.createTempDirectory("thread-scaling-bench");
        Path calib = fixtures.resolve("digits_cnn_calib.npz");
        Path eval = fixtures.resolve("digits_cnn_eval.npz");
        Map<String, NdArray> data = Npz.read(eval);
        String input = data.keySet().stream().filter(k -> !k.equals("labels")).findFirst().orElseThrow();
        NdArray x = data.get(input).slice(0, batch);
        System.out.printf("ThreadScalingBench: batch %d, %d paired iterations, %d repeats, %d cores, load %s%n", batch,
                iterations, repeats, Runtime.getRuntime().availableProcessors(), QuantizationBench.loadAverage());
        for (String model : models) {
            Path in = fixtures.resolve(model + ".onnx");
            Path out = work.resolve(model + "-int8.onnx");
            new Compressor().compress(new CompressionRequest(in, out, Recipe.of(new RecipeStep("int8-static",
                    Map.of())), Optional.of(calib), Optional.of(eval), 1, ValidationGate.loadAndRunOnly(), null));
            List<String> t1 = new ArrayList<>();
            List<String> t2 = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                t1.add(String.format("%.2f", QuantizationBench.pairedP50Ratio(in, out, input, x, 1, iterations)));
                t2.add(String.format("%.2f", QuantizationBench.pairedP50Ratio(in, out, input, x, 2, iterations)));
            }
            System.out.printf("%s int8/float paired p50, b%d: t1 %s, t2 %s%n", model, batch, t1, t2);
            Map<String, double[]> f = new TreeMap<>();
            Map<String, double[]> q = new TreeMap<>();
            profile(in, input, x, 1, f, 0);
            profile(in, input, x, 2, f, 1);
            profile(out, input, x, 1, q, 0);
            profile(out, input, x, 2, q, 1);
            System.out.println("| " + model
                    + " op (µs per run, ORT profiler) | float t1 | float t2 | int8 t1 | int8 t2 |");
            System.out.println("|---|---|---|---|---|");
            TreeMap<String, double[]> all = new TreeMap<>();
            f.forEach((k, v) -> all.computeIfAbsent(k, z -> new double[4])[0] = v[0]);
            f.forEach((k, v) -> all.get(k)[1] = v[1]);
            q.forEach((k, v) -> all.computeIfAbsent(k, z -> new double[4])[2] = v[0]);
            q.forEach((k, v) -> all.get(k)[3] = v[1]);
            double[] sum = new double[4];
            all.forEach((k, v) -> {
                System.out.printf("| %s | %.0f | %.0f | %.0f | %.0f |%n", k, v[0], v[1], v[2], v[3]);
                for (int i = 0; i < 4; i++) {
                    sum[i] += v[i];
                }
            });
            System.out.printf("| sum of nodes | %.0f | %.0f | %.0f | %.0f |%n", sum[0], sum[1], sum[2], sum[3]);
        }
    }

    /** Adds the mean per-run node time by op type (µs) into {@code into[op][slot]}. */
    private static void profile(Path model, String input, NdArray x, int threads, Map<String, double[]> into, int slot)
            throws Exception {
        int runs = 30;
        Path prefix = Files.createTempDirectory("ort-profile").resolve("p");
        Path file;
        try (OrtSession.SessionOptions o = OrtSessions.options(threads, null)) {
            o.enableProfiling(prefix.toString());
            try (OrtSession s = OrtSessions.env().createSession(model.toString(), o);
                 OnnxTensor t = OrtSessions.tensor(x)) {
                for (int i = 0; i < runs; i++) {
                    s.run(Map.of(input, t)).close();
                }
                file = Path.of(s.endProfiling());
            }
        }
        JsonNode events = new ObjectMapper().readTree(file.toFile());
        for (JsonNode e : events) {
            if ("Node".equals(e.path("cat").asText()) && e.path("name").asText().endsWith("_kernel_time")) {
                String op = e.path("args").path("op_name").asText();
                into.computeIfAbsent(op, k -> new double[2])[slot] += e.path("dur").asDouble() / runs;
            }
        }
        Files.deleteIfExists(file);
    }
}
