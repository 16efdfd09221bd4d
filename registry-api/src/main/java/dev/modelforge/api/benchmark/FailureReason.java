package dev.modelforge.api.benchmark;

/** Why a benchmark failed; a closed set so policies and dashboards can group failures. */
public enum FailureReason {
    /** The runtime lacks a kernel for an operator (or domain/opset) the model uses. */
    UNSUPPORTED_OPERATOR,
    /** The artifact is not a valid ONNX model (truncated, not protobuf, bad graph). */
    CORRUPT_MODEL,
    /** The artifact's checksum did not match the one the registry recorded. */
    CHECKSUM_MISMATCH,
    /** The measuring process ran out of memory (JVM heap, native allocation, or killed by the OS). */
    OUT_OF_MEMORY,
    /** The model's resident memory exceeded the device profile's memory limit. */
    MEMORY_LIMIT_EXCEEDED,
    /** The measurement did not finish within the job's time limit and was killed. */
    TIMEOUT,
    /** The evaluation data does not fit the model's inputs. */
    INVALID_INPUT,
    /** Anything else the runtime reported; the detail carries its message. */
    RUNTIME_ERROR
}
