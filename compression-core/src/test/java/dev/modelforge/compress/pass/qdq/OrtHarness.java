package dev.modelforge.compress.pass.qdq;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelforge.onnx.OnnxFiles;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Runs models with ONNX Runtime in tests and reads back the graph ORT's optimizer produced. */
public final class OrtHarness {

    private OrtHarness() {
    }

    private static OrtSession.SessionOptions options(OrtSession.SessionOptions.OptLevel level) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        o.setOptimizationLevel(level);
        return o;
    }

    /** The first output for one float input. */
    public static float[] run(OnnxMl.ModelProto model, String input, float[] data, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = options(OrtSession.SessionOptions.OptLevel.ALL_OPT);
             OrtSession s = env.createSession(model.toByteArray(), o);
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result r = s.run(Map.of(input, t))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }

    /** The graph as ORT optimizes it (extended level: the QDQ fusions, no hardware layout rewrites). */
    public static OnnxMl.ModelProto optimized(OnnxMl.ModelProto model, Path dir) throws OrtException {
        Path file = dir.resolve("optimized-" + System.nanoTime() + ".onnx");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = options(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT)) {
            o.setOptimizedModelFilePath(file.toString());
            try (OrtSession s = env.createSession(model.toByteArray(), o)) {
                s.getInputInfo();
            }
        }
        return OnnxFiles.read(file);
    }

    /** Op type counts. */
    public static Map<String, Integer> ops(OnnxMl.ModelProto model) {
        Map<String, Integer> h = new TreeMap<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            h.merge(n.getOpType(), 1, Integer::sum);
        }
        return h;
    }

    /** DequantizeLinear nodes whose output feeds a QuantizeLinear: float round-trips ORT could not fuse. */
    public static int dqToQPairs(OnnxMl.ModelProto model) {
        Map<String, Set<String>> readers = new HashMap<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            for (String in : n.getInputList()) {
                readers.computeIfAbsent(in, k -> new HashSet<>()).add(n.getOpType());
            }
        }
        int pairs = 0;
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("DequantizeLinear")
                    && readers.getOrDefault(n.getOutput(0), Set.of()).contains("QuantizeLinear")) {
                pairs++;
            }
        }
        return pairs;
    }

    /** Largest absolute difference. */
    public static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** Largest absolute value. */
    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
