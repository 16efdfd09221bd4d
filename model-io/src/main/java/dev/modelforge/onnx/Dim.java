package dev.modelforge.onnx;

import java.util.OptionalLong;

/**
 * One dimension of a tensor shape as declared in the graph: a fixed size, a symbolic name
 * (e.g. {@code batch}) or unknown (neither given).
 *
 * <p>{@link #toString()} is the stable text form used in APIs and storage: the size in decimal,
 * the symbol as is, or {@code ?}; {@link #parse(String)} reads it back.
 */
public sealed interface Dim permits Dim.Fixed, Dim.Symbolic, Dim.Unknown {

    /** A dimension of known size. */
    static Dim of(long size) {
        return new Fixed(size);
    }

    /** A dimension named by a symbol, sized at run time. */
    static Dim symbolic(String name) {
        return new Symbolic(name);
    }

    /** A dimension with neither size nor name. */
    static Dim unknown() {
        return Unknown.INSTANCE;
    }

    /**
     * Reads the text form of {@link #toString()}: digits are a fixed size, {@code ?} (or empty) is
     * unknown, anything else is a symbol.
     */
    static Dim parse(String text) {
        if (text == null || text.isEmpty() || text.equals("?")) {
            return unknown();
        }
        if (text.chars().allMatch(Character::isDigit) && text.length() < 19) {
            return of(Long.parseLong(text));
        }
        return symbolic(text);
    }

    /** The size if fixed. */
    default OptionalLong size() {
        return this instanceof Fixed f ? OptionalLong.of(f.value()) : OptionalLong.empty();
    }

    /** True for {@link Fixed}. */
    default boolean isFixed() {
        return this instanceof Fixed;
    }

    /** Fixed size; ONNX allows 0 and rejects negative sizes only in the checker, so we keep whatever was written. */
    record Fixed(long value) implements Dim {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** Symbolic dimension ({@code dim_param}). */
    record Symbolic(String name) implements Dim {
        public Symbolic {
            java.util.Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Neither {@code dim_value} nor {@code dim_param} present. */
    enum Unknown implements Dim {
        /** The only instance. */
        INSTANCE;

        @Override
        public String toString() {
            return "?";
        }
    }
}
