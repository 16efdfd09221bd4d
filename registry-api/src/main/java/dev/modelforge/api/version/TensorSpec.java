package dev.modelforge.api.version;

import java.util.List;

/**
 * One graph input or output.
 *
 * @param name        tensor name in the graph
 * @param elementType ONNX element type name, e.g. {@code FLOAT}, {@code INT64}
 * @param shape       one entry per dimension: a decimal size, a symbolic name ({@code batch}), or
 *                    {@code ?} when unknown; null when the rank is unknown
 */
public record TensorSpec(String name, String elementType, List<String> shape) {
}
