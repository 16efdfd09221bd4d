package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a registry needs to know about an ONNX model without loading its weights: the graph's
 * real inputs (initializers excluded) and outputs, opsets and producer.
 *
 * @param inputs           graph inputs that are not initializers, in graph order
 * @param outputs          graph outputs, in graph order
 * @param opsetImports     domain → opset version; the default ONNX domain is {@code ""}
 * @param irVersion        ONNX IR version of the file
 * @param producerName     e.g. {@code pytorch}; empty if not set
 * @param producerVersion  empty if not set
 * @param graphName        empty if not set
 * @param initializerCount dense plus sparse initializers of the main graph
 * @param nodeCount        nodes of the main graph (subgraphs not counted)
 * @param parameterCount   elements over all main-graph initializers (from their dims)
 */
public record ModelSignature(
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        Map<String, Long> opsetImports,
        long irVersion,
        String producerName,
        String producerVersion,
        String graphName,
        int initializerCount,
        int nodeCount,
        long parameterCount) {

    public ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        opsetImports = Map.copyOf(opsetImports);
        producerName = Objects.requireNonNullElse(producerName, "");
        producerVersion = Objects.requireNonNullElse(producerVersion, "");
        graphName = Objects.requireNonNullElse(graphName, "");
    }

    /** The input with this name. */
    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The output with this name. */
    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Opset of the default ONNX domain ({@code ""} or {@code ai.onnx}), 0 if not imported. */
    public long defaultOpset() {
        Long v = opsetImports.get("");
        if (v == null) {
            v = opsetImports.get("ai.onnx");
        }
        return v == null ? 0 : v;
    }

    /**
     * The signature of an already parsed model, with the same rules as {@link SignatureReader}.
     *
     * @throws InvalidOnnxException if the model has no graph, no real inputs, no outputs or an unsupported IR version
     */
    public static ModelSignature of(OnnxMl.ModelProto model) {
        return SignatureReader.fromModel(model);
    }
}
