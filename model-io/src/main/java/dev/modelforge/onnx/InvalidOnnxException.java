package dev.modelforge.onnx;

import java.util.Objects;

/**
 * The bytes are not a usable ONNX model. {@link #reason()} is stable so callers can map it
 * to an API error type; the message says what is wrong in words a user can act on.
 */
public class InvalidOnnxException extends RuntimeException {

    /** Why a model was rejected. Values are only ever added, never renamed. */
    public enum Reason {
        /** Empty, or not a protocol buffer / not an ONNX ModelProto at all. */
        NOT_PROTOBUF,
        /** A protocol buffer that ends in the middle of a field. */
        TRUNCATED,
        /** A ModelProto with no graph. */
        NO_GRAPH,
        /** A graph whose inputs are all initializers (or that has none). */
        NO_INPUTS,
        /** A graph with no outputs. */
        NO_OUTPUTS,
        /** ir_version missing or outside what we (and ONNX Runtime) support. */
        UNSUPPORTED_IR_VERSION,
        /** An external-data reference that is unsafe (path traversal), missing or out of range. */
        BAD_EXTERNAL_DATA,
        /** Structurally valid protobuf but an inconsistent model (e.g. tensor bytes do not match dims). */
        MALFORMED,
        /** A well-formed model no runtime can execute: a cycle, an undefined input, an unknown opset. */
        UNRUNNABLE,
        /** Past one of the {@link ModelLimits}; the exception is a {@link ModelLimitException}. */
        LIMIT_EXCEEDED
    }

    private final Reason reason;

    /**
     * @param reason  the stable reason
     * @param message what is wrong, in words a user can act on
     */
    public InvalidOnnxException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * @param reason  the stable reason
     * @param message what is wrong, in words a user can act on
     * @param cause   the underlying parse or I/O failure
     */
    public InvalidOnnxException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The stable reason. */
    public Reason reason() {
        return reason;
    }
}
