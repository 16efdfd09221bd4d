package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Reshape's target shape as an exporter wrote it: a constant int64 tensor, or a {@code Concat} (axis 0) whose
 * pieces are constants and run-time dimensions {@code Unsqueeze(Gather(Shape(v), scalar index))} — how dynamic
 * batch and sequence sizes are written. Read by the pruning pass (to edit a channel entry) and by the attention
 * fusion (to find the head count and size).
 *
 * @param concat the Concat, or null for a constant target
 * @param pieces the constant target as one piece, or the Concat's inputs in order
 */
public record ReshapeTarget(Node concat, List<Piece> pieces) {

    /**
     * One Concat input.
     *
     * @param input    its index in the Concat
     * @param constant its entries when constant, else null
     * @param runtime  true for a single run-time dimension; false with a null constant: not understood
     */
    public record Piece(int input, long[] constant, boolean runtime) {
        /** Entries this piece contributes, or -1 when not known. */
        public int length() {
            return constant != null ? constant.length : runtime ? 1 : -1;
        }
    }

    /** The target read from {@code value}, or empty when it is neither a constant nor a Concat. */
    public static Optional<ReshapeTarget> of(Graph g, String value) {
        Tensor constant = g.initializer(value).orElse(null);
        if (constant != null) {
            return constant.dataType() == DataType.INT64
                    ? Optional.of(new ReshapeTarget(null, List.of(new Piece(-1, longs(constant), false))))
                    : Optional.empty();
        }
        Node concat = g.producer(value).orElse(null);
        if (concat == null || !concat.is("Concat") || !concat.domain().isEmpty() || concat.attrInt("axis", 0) != 0) {
            return Optional.empty();
        }
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < concat.inputs().size(); i++) {
            Tensor c = g.initializer(concat.input(i)).orElse(null);
            boolean known = c != null && c.rank() <= 1 && c.dataType() == DataType.INT64;
            pieces.add(new Piece(i, known ? longs(c) : null, c == null && gatheredDim(g, concat.input(i))));
        }
        return Optional.of(new ReshapeTarget(concat, pieces));
    }

    /** All entries, run-time dimensions as {@link Long#MIN_VALUE}; null when a piece is not understood. */
    public long[] dims() {
        List<Long> out = new ArrayList<>();
        for (Piece p : pieces) {
            if (p.length() < 0) {
                return null;
            }
            if (p.constant() == null) {
                out.add(Long.MIN_VALUE);
            } else {
                for (long v : p.constant()) {
                    out.add(v);
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code Unsqueeze(Gather(Shape(v), scalar index))}: one run-time dimension. */
    private static boolean gatheredDim(Graph g, String value) {
        Node u = g.producer(value).orElse(null);
        if (u == null || !u.is("Unsqueeze") || !u.domain().isEmpty()) {
            return false;
        }
        Node gather = g.producer(u.input(0)).orElse(null);
        if (gather == null || !gather.is("Gather")) {
            return false;
        }
        Tensor idx = g.initializer(gather.input(1)).orElse(null);
        Node shape = g.producer(gather.input(0)).orElse(null);
        return idx != null && idx.rank() == 0 && shape != null && shape.is("Shape");
    }

    private static long[] longs(Tensor t) {
        return java.util.Arrays.copyOf(t.longs(), (int) t.elementCount());
    }
}
