package dev.modelforge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.pass.Int8DynamicPass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Size, latency, accuracy and compression time of compression-core's recipes on the trained
 * fixtures, measured side by side in one process: float and compressed sessions are timed in
 * turn (A B, B A, ...) with ORT thread spinning disabled, so neither steals the other's cores.
 * Also times int8-dynamic on a generated ~100 MB transformer-like MatMul stack.
 *
 * <p>Batch sizes default to 1 (what a device profile's latency constraint is measured at), 8 (the benchmark
 * worker's default throughput batch) and 64 (compute-bound even for these tiny fixtures).
 *
 * <p>Run: {@code java -cp <bench classpath> dev.modelforge.bench.QuantizationBench [fixturesDir] [iterations]
 * [batches, e.g. 1,8,64]}.
 */
public final class QuantizationBench {
    private static final List<Recipe> RECIPES = List.of(
            Recipe.of(RecipeStep.of("int8-dynamic")),
            Recipe.of(RecipeStep.of("int4-weight-only")),
            Recipe.of(RecipeStep.of("fp16")));

    private QuantizationBench() {
    }

    public static void main(String[] args) throws Exception {
        Path fixtures = Path.of(args.length > 0 ? args[0] : "compression-core/src/test/resources/fixtures");
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int[] batches = batches(args.length > 2 ? args[2] : "1,8,64");
        Path work = Files.createTempDirectory("quant-bench");
        System.out.printf("QuantizationBench: %d paired iterations per cell, %d cores, load %s%n", iterations,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.println("| model | recipe | size ratio | top-1 float → variant (pt) | compress ms | p50 ratio "
                + latencyColumns(batches) + " |");
        System.out.println("|---|---|---|---|---|" + "---|".repeat(2 * batches.length));
        for (String name : List.of("digits_cnn", "digits_transformer")) {
            Path in = fixtures.resolve(name + ".onnx");
            Path eval = fixtures.resolve(name + "_eval.npz");
            for (Recipe recipe : RECIPES) {
                Path out = work.resolve(name + "-" + recipe.steps().get(0).pass() + ".onnx");
                CompressionReport r;
                try {
                    r = new Compressor().compress(new CompressionRequest(in, out, recipe, Optional.empty(),
                            Optional.of(eval), 1, ValidationGate.loadAndRunOnly(), null));
                } catch (Exception e) {
                    System.out.printf("| %s | %s | refused: %s |%n", name, recipe.steps().get(0).pass(), e.getMessage());
                    continue;
                }
                var m = r.validation().metrics();
                Map<String, NdArray> data = Npz.read(eval);
                String inputName = data.keySet().stream().filter(k -> !k.equals("labels")).findFirst().orElseThrow();
                NdArray x = data.get(inputName);
                String ratios = latencyRatios(in, out, inputName, x, batches, iterations);
                System.out.printf("| %s | %s | %.3f | %.2f%% → %.2f%% (%+.2f) | %d | %s |%n", name,
                        recipe.steps().get(0).pass(), r.sizeRatio(), m.referenceAccuracy() * 100, m.accuracy() * 100,
                        -m.accuracyDropPoints(), r.elapsedMillis(), ratios);
            }
        }
        bigTransformer(work);
    }

    static int[] batches(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    /** Header cells "b1 t1 | b1 t2 | b8 t1 | ...". */
    static String latencyColumns(int[] batches) {
        List<String> cols = new ArrayList<>();
        for (int b : batches) {
            cols.add("b" + b + " t1");
            cols.add("b" + b + " t2");
        }
        return String.join(" | ", cols);
    }

    /** Paired p50 ratios for each batch size at 1 and 2 threads, as table cells. */
    static String latencyRatios(Path a, Path b, String input, NdArray x, int[] batches, int iterations)
            throws Exception {
        List<String> cells = new ArrayList<>();
        for (int batch : batches) {
            for (int threads : new int[] {1, 2}) {
                cells.add(String.format("%.2f", pairedP50Ratio(a, b, input, x.slice(0, batch), threads, iterations)));
            }
        }
        return String.join(" | ", cells);
    }

    /** The 1/5/15-minute load average, recorded next to the numbers (timings on a loaded machine mislead). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Warm-up per cell: ORT's arena and the JIT settle within this (20 runs did not, at batch 1). */
    private static final long WARMUP_NANOS = 300_000_000L;
    /** Timed pairs per cell last at least this long: 400 pairs at batch 1 are ~30 ms, one hiccup moves the p50. */
    private static final long MIN_TIMED_NANOS = 2_000_000_000L;

    /**
     * p50(variant) / p50(float) with the two sessions timed alternately; at least {@code iterations} pairs, more
     * when that would take under {@link #MIN_TIMED_NANOS}.
     */
    static double pairedP50Ratio(Path a, Path b, String input, NdArray x, int threads, int iterations) throws Exception {
        try (OnnxTensor t = OrtSessions.tensor(x)) {
            return pairedP50Ratio(a, b, Map.of(input, t), threads, iterations);
        }
    }

    /** The same with any inputs (multi-input models). */
    static double pairedP50Ratio(Path a, Path b, Map<String, OnnxTensor> feed, int threads, int iterations)
            throws Exception {
        try (OrtSession sa = OrtSessions.open(a, threads, null); OrtSession sb = OrtSessions.open(b, threads, null)) {
            long start = System.nanoTime();
            int warm = 0;
            while (warm < 20 || System.nanoTime() - start < WARMUP_NANOS) {
                sa.run(feed).close();
                sb.run(feed).close();
                warm++;
            }
            long perPair = Math.max(1, (System.nanoTime() - start) / warm);
            int n = (int) Math.max(iterations, Math.min(200_000, MIN_TIMED_NANOS / perPair));
            long[] ta = new long[n];
            long[] tb = new long[n];
            for (int i = 0; i < n; i++) {
                boolean aFirst = i % 2 == 0;
                if (aFirst) {
                    ta[i] = time(sa, feed);
                    tb[i] = time(sb, feed);
                } else {
                    tb[i] = time(sb, feed);
                    ta[i] = time(sa, feed);
                }
            }
            Arrays.sort(ta);
            Arrays.sort(tb);
            return (double) tb[n / 2] / ta[n / 2];
        }
    }

    private static long time(OrtSession s, Map<String, OnnxTensor> feed) throws Exception {
        long t0 = System.nanoTime();
        s.run(feed).close();
        return System.nanoTime() - t0;
    }

    /** 8 blocks of (4 square 512 MatMuls + 512→2048→512 MLP) with residual Adds: 25.2 M floats ≈ 100 MB. */
    static void bigTransformer(Path work) throws Exception {
        int d = 512;
        int ff = 2048;
        Random r = new Random(1);
        ModelBuilder b = ModelBuilder.create("stack", 17).input("x", DataType.FLOAT, -1, 16, d);
        String h = "x";
        for (int l = 0; l < 8; l++) {
            String a = h;
            for (String w : List.of("q", "k", "v", "o")) {
                String wn = "l" + l + "_" + w;
                b.initializer(Tensor.ofFloats(wn, new long[] {d, d}, randn(r, d * d, 0.04f)));
                b.node("MatMul", List.of(a, wn), List.of(wn + "_out"));
                a = wn + "_out";
            }
            b.node("Add", List.of(h, a), List.of("l" + l + "_res1"));
            b.initializer(Tensor.ofFloats("l" + l + "_w1", new long[] {d, ff}, randn(r, d * ff, 0.04f)));
            b.initializer(Tensor.ofFloats("l" + l + "_w2", new long[] {ff, d}, randn(r, ff * d, 0.02f)));
            b.node("MatMul", List.of("l" + l + "_res1", "l" + l + "_w1"), List.of("l" + l + "_f1"));
            b.node("Relu", List.of("l" + l + "_f1"), List.of("l" + l + "_f2"));
            b.node("MatMul", List.of("l" + l + "_f2", "l" + l + "_w2"), List.of("l" + l + "_f3"));
            b.node("Add", List.of("l" + l + "_res1", "l" + l + "_f3"), List.of("l" + l + "_out"));
            h = "l" + l + "_out";
        }
        b.node("Identity", List.of(h), List.of("y"));
        Model m = b.output("y", DataType.FLOAT, -1, 16, d).build();
        Path in = work.resolve("stack.onnx");
        ModelFiles.write(m, in);
        long t0 = System.nanoTime();
        Int8DynamicPass pass = new Int8DynamicPass();
        pass.apply(ModelFiles.read(in), PassContext.of(PassParams.defaults(pass)));
        long passMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        CompressionReport rep = new Compressor().compress(CompressionRequest.of(in, work.resolve("stack-int8.onnx"),
                Recipe.resolve("int8-dynamic")));
        long totalMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("%n100 MB MatMul stack (%.1f MB): int8-dynamic read+pass %d ms; end-to-end (read, pass, write, "
                + "ORT validation on synthetic inputs) %d ms; size ratio %.3f; cosine %.5f%n", Files.size(in) / 1e6,
                passMs, totalMs, rep.sizeRatio(), rep.validation().metrics().cosineSimilarity());
    }

    private static float[] randn(Random r, int n, float std) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian() * std;
        }
        return f;
    }
}
