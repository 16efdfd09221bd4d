package dev.modelforge.compress.pass;

/**
 * What a pass did to one node.
 *
 * @param node        node name (or a synthesised {@code op#index} when the model left it empty)
 * @param opType      the original op type
 * @param action      what happened
 * @param reason      why (always set for SKIPPED/KEPT_FLOAT; a short detail otherwise)
 * @param scales      quantization parameter summary, null when not quantized
 * @param bytesBefore weight bytes the node owned before
 * @param bytesAfter  weight bytes it owns after
 */
public record NodeReport(String node, String opType, NodeAction action, String reason, ScaleSummary scales,
                         long bytesBefore, long bytesAfter) {
    /** A node left alone, with the reason. */
    public static NodeReport untouched(String node, String opType, NodeAction action, String reason) {
        return new NodeReport(node, opType, action, reason, null, 0, 0);
    }
}
