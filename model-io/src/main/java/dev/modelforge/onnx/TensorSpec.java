package dev.modelforge.onnx;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A graph input or output: name, element type and declared shape.
 *
 * @param name        the value name in the graph
 * @param elementType element type; {@link ElementType#UNDEFINED} for non-tensor values (sequences, maps)
 * @param shape       declared dimensions; empty for scalars and for unknown rank (see {@code rankKnown})
 * @param rankKnown   false when the graph declares no shape at all, so {@code shape} says nothing
 */
public record TensorSpec(String name, ElementType elementType, List<Dim> shape, boolean rankKnown) {

    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        shape = List.copyOf(shape);
        if (!rankKnown && !shape.isEmpty()) {
            throw new IllegalArgumentException("unknown rank but dims given for " + name);
        }
    }

    /** A tensor with a known rank. */
    public TensorSpec(String name, ElementType elementType, List<Dim> shape) {
        this(name, elementType, shape, true);
    }

    /** Number of dimensions, or -1 when the rank is unknown. */
    public int rank() {
        return rankKnown ? shape.size() : -1;
    }

    /** Shape in the usual notation, e.g. {@code [batch, 3, 224, 224]} or {@code [?rank]}. */
    public String shapeString() {
        return rankKnown ? shape.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]")) : "[?rank]";
    }

    @Override
    public String toString() {
        return name + ":" + elementType + shapeString();
    }
}
