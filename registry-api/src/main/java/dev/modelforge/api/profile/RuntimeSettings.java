package dev.modelforge.api.profile;

/**
 * How a benchmark worker configures ONNX Runtime when it measures a variant for this profile.
 *
 * @param executionProvider      {@code cpu} or {@code cuda}
 * @param intraOpThreads         threads inside one operator
 * @param interOpThreads         threads across independent operators
 * @param graphOptimizationLevel {@code disabled}, {@code basic}, {@code extended} or {@code all}
 */
public record RuntimeSettings(String executionProvider, Integer intraOpThreads, Integer interOpThreads,
                              String graphOptimizationLevel) {
}
