package dev.modelforge.compress.validate;

import java.util.List;

/**
 * How to synthesise one graph input when no evaluation data is given: a concrete shape (replacing
 * symbolic dimensions, e.g. an image size the model needs) and/or a constant value (e.g. a sample
 * rate). Either may be null.
 *
 * @param shape concrete dimensions, or null to use the graph's with symbolic dims set to 1
 * @param fill  constant element value, or null for seeded random data (floats) / 0 (integers)
 */
public record InputHint(List<Long> shape, Double fill) {
    public InputHint {
        shape = shape == null ? null : List.copyOf(shape);
    }
}
