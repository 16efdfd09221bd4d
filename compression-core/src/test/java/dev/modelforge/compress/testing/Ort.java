package dev.modelforge.compress.testing;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.validate.OrtSessions;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Runs models in ONNX Runtime for tests and reads back ORT's optimised graph. */
public final class Ort {
    private Ort() {
    }

    /** Runs a single-float-input model and returns its first output, flattened. */
    public static float[] run(Model m, String input, float[] data, long... shape) throws OrtException {
        try (OrtSession s = OrtSessions.open(m.toProto().toByteArray(), 1, null);
             OnnxTensor t = OnnxTensor.createTensor(OrtSessions.env(), FloatBuffer.wrap(data), shape);
             OrtSession.Result r = s.run(Map.of(input, t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            float[] f = new float[(int) out.getInfo().getNumElements()];
            out.getFloatBuffer().get(f);
            return f;
        }
    }

    /** Loads the model with full optimisation and returns the op histogram of ORT's optimised graph. */
    public static Map<String, Integer> optimizedOps(Model m, Path dir) throws OrtException, IOException {
        Path opt = dir.resolve("optimized-" + System.nanoTime() + ".onnx");
        try (OrtSession s = OrtSessions.open(m.toProto().toByteArray(), 1, opt)) {
            // session creation writes the optimised graph
        }
        OnnxMl.ModelProto p = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(opt));
        Map<String, Integer> h = new TreeMap<>();
        for (OnnxMl.NodeProto n : p.getGraph().getNodeList()) {
            h.merge(n.getOpType(), 1, Integer::sum);
        }
        return h;
    }
}
