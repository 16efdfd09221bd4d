package dev.modelforge.compress.validate;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;

/**
 * ONNX Runtime session settings used everywhere in compression: spinning disabled (an idle session's
 * spinning pool steals the cores of the session being timed or validated next to it), a fixed
 * thread count, full graph optimisation, and optionally the optimised graph written to a file so
 * tests can check which kernels ORT fused.
 */
public final class OrtSessions {
    private OrtSessions() {
    }

    /** The shared ORT environment. */
    public static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Session options.
     *
     * @param threads            intra-op threads (≥ 1)
     * @param optimizedModelPath where ORT should write its optimised graph, or null
     */
    public static OrtSession.SessionOptions options(int threads, Path optimizedModelPath) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(Math.max(1, threads));
        o.setInterOpNumThreads(1);
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        o.addConfigEntry("session.inter_op.allow_spinning", "0");
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (optimizedModelPath != null) {
            o.setOptimizedModelFilePath(optimizedModelPath.toAbsolutePath().toString());
        }
        return o;
    }

    /** Opens a session on a model file with {@link #options}. */
    public static OrtSession open(Path model, int threads, Path optimizedModelPath) throws OrtException {
        try (OrtSession.SessionOptions o = options(threads, optimizedModelPath)) {
            return env().createSession(model.toAbsolutePath().toString(), o);
        }
    }

    /** Opens a session on serialised model bytes (no external data). */
    public static OrtSession open(byte[] model, int threads, Path optimizedModelPath) throws OrtException {
        try (OrtSession.SessionOptions o = options(threads, optimizedModelPath)) {
            return env().createSession(model, o);
        }
    }
}
