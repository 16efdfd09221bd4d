package dev.modelforge.compress.validate;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.modelforge.onnx.data.NdArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** An ORT tensor holding a copy of an NdArray's elements. */
    public static OnnxTensor tensor(NdArray a) throws OrtException {
        OnnxJavaType type = switch (a.dtype()) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
        };
        // ORT reads typed tensors from writable direct memory in native order; dataset slices are read-only
        // little-endian views.
        ByteBuffer src = a.data();
        ByteBuffer direct = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        direct.put(src).rewind();
        return OnnxTensor.createTensor(env(), direct, a.shape(), type);
    }
}
