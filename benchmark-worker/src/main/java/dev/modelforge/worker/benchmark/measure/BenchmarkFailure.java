package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.onnx.InvalidOnnxException;
import java.util.Locale;

/** A measurement that cannot complete, with a classified reason; turned into a failed result, never thrown further. */
public final class BenchmarkFailure extends RuntimeException {

    private final FailureReason reason;

    /**
     * @param reason classified reason
     * @param detail human-readable message
     */
    public BenchmarkFailure(FailureReason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    /** @return the classified reason */
    public FailureReason reason() {
        return reason;
    }

    /**
     * Maps whatever DJL, ONNX Runtime or the model reader threw to a failure reason by its type and
     * message; ORT reports missing kernels and bad protobufs only as text.
     *
     * @param e the error
     * @return the classified failure
     */
    public static BenchmarkFailure classify(Throwable e) {
        if (e instanceof BenchmarkFailure f) {
            return f;
        }
        StringBuilder all = new StringBuilder();
        boolean invalidOnnx = false;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return new BenchmarkFailure(FailureReason.OUT_OF_MEMORY, "out of memory: " + c.getMessage());
            }
            invalidOnnx |= c instanceof InvalidOnnxException || c instanceof com.google.protobuf.InvalidProtocolBufferException;
            all.append(c.getMessage()).append(" | ");
            if (c.getCause() == c) {
                break;
            }
        }
        String detail = firstMessage(e);
        String text = all.toString().toLowerCase(Locale.ROOT);
        if (text.contains("not_implemented") || text.contains("could not find an implementation")
                || text.contains("no opset import for domain") || text.contains("is not a registered function/op")
                || text.contains("unrecognized attribute") && text.contains("domain")
                || text.contains("opset") && text.contains("not supported")) {
            return new BenchmarkFailure(FailureReason.UNSUPPORTED_OPERATOR, detail);
        }
        if (invalidOnnx || text.contains("protobuf parsing failed") || text.contains("invalid_protobuf")
                || text.contains("invalid_graph") || text.contains("load model") && text.contains("failed")) {
            return new BenchmarkFailure(FailureReason.CORRUPT_MODEL, detail);
        }
        if (text.contains("bad_alloc") || text.contains("failed to allocate memory")) {
            return new BenchmarkFailure(FailureReason.OUT_OF_MEMORY, detail);
        }
        if (e instanceof IllegalArgumentException) {
            return new BenchmarkFailure(FailureReason.INVALID_INPUT, detail);
        }
        return new BenchmarkFailure(FailureReason.RUNTIME_ERROR, detail);
    }

    private static String firstMessage(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            sb.append(" (cause: ").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage()).append(')');
        }
        return sb.length() > 2000 ? sb.substring(0, 2000) : sb.toString();
    }
}
