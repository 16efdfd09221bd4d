package dev.modelforge.api.version;

import java.util.List;
import java.util.Map;

/**
 * The I/O signature read from an ONNX graph at upload time.
 *
 * @param inputs          real graph inputs (initializers excluded)
 * @param outputs         graph outputs
 * @param opsets          opset version per domain ({@code ""} is the default ONNX domain)
 * @param irVersion       ONNX IR version
 * @param producerName    tool that wrote the file, may be empty
 * @param producerVersion its version, may be empty
 * @param nodeCount       nodes of the main graph
 * @param parameterCount  weight elements over all main-graph initializers
 */
public record SignatureDto(List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Long> opsets,
                           long irVersion, String producerName, String producerVersion,
                           int nodeCount, long parameterCount) {
}
