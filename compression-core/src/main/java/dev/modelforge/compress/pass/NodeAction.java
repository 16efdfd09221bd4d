package dev.modelforge.compress.pass;

/** What a pass did to one node. */
public enum NodeAction {
    /** Weights/compute moved to an integer format. */
    QUANTIZED,
    /** Converted to another float format (fp16) or rewritten without quantization. */
    CONVERTED,
    /** Eligible op type, but left alone (reason says why: excluded, shape, sensitivity...). */
    SKIPPED,
    /** Kept in float32 on purpose (no fast kernel, precision-critical, unsupported op). */
    KEPT_FLOAT
}
