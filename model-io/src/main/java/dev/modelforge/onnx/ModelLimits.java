package dev.modelforge.onnx;

/**
 * Caps on what one streaming read of a model may keep in memory, and the newest opsets a runtime here
 * runs. Everything the parser keeps (names, shapes, graph edges) is charged against these, so a crafted
 * file of a few MB cannot exhaust the heap; weights are never kept at all. A read past a cap fails with a
 * {@link ModelLimitException} naming the cap's key, so a service can say which setting raises it.
 *
 * @param maxGraphInputs     graph inputs (initializers listed as inputs included); key {@code max-graph-inputs}
 * @param maxGraphOutputs    graph outputs; key {@code max-graph-outputs}
 * @param maxRank            dims of one shape or tensor; key {@code max-rank}
 * @param maxSignatureBytes  UTF-8 bytes of input/output names and symbolic dims together, which travel
 *                           in every event about the version; key {@code max-signature-bytes}
 * @param maxNameBytes       UTF-8 bytes of every string read (names, references, domains), plus 16 per
 *                           string for bookkeeping; key {@code max-name-bytes}
 * @param maxInitializers    initializers (dense and sparse); key {@code max-initializers}
 * @param maxNodes           nodes of the main graph; key {@code max-nodes}
 * @param maxOnnxOpset       newest {@code ai.onnx} opset accepted at upload; key {@code max-onnx-opset}
 * @param maxOnnxMlOpset     newest {@code ai.onnx.ml} opset accepted at upload; key {@code max-onnx-ml-opset}
 */
public record ModelLimits(int maxGraphInputs, int maxGraphOutputs, int maxRank, long maxSignatureBytes,
                          long maxNameBytes, int maxInitializers, int maxNodes, int maxOnnxOpset,
                          int maxOnnxMlOpset) {

    /**
     * Generous for real exports (an LLM has tens of thousands of nodes and a few MB of names), tight enough
     * that a hostile file costs tens of MB of heap at most. Opsets: what ONNX Runtime 1.23 implements.
     */
    public static final ModelLimits DEFAULTS = new ModelLimits(4096, 4096, 64, 256 * 1024, 32L << 20,
            1_000_000, 1_000_000, 23, 5);

    /** Validates that every cap is positive. */
    public ModelLimits {
        if (maxGraphInputs < 1 || maxGraphOutputs < 1 || maxRank < 1 || maxSignatureBytes < 1 || maxNameBytes < 1
                || maxInitializers < 1 || maxNodes < 1 || maxOnnxOpset < 1 || maxOnnxMlOpset < 1) {
            throw new IllegalArgumentException("model limits must be positive: " + this);
        }
    }
}
