package dev.modelforge.api.promotion;

import java.util.ArrayList;
import java.util.List;

/**
 * Hard limits a candidate must meet to be promoted on a profile; {@code null} means no limit.
 *
 * @param maxAccuracyDropPoints largest accepted drop of accuracy (or fidelity) versus the version's own baseline,
 *                              in percentage points
 * @param maxSizeMb             largest accepted artifact, in MiB
 * @param maxP95LatencyMillis   largest accepted p95 latency at batch 1, in milliseconds
 * @param maxMemoryMb           largest accepted peak resident memory, in MiB
 */
public record PromotionConstraints(Double maxAccuracyDropPoints, Double maxSizeMb, Double maxP95LatencyMillis,
                                   Double maxMemoryMb) {

    /** No limits at all. */
    public static final PromotionConstraints NONE = new PromotionConstraints(null, null, null, null);

    /** The problems with these values, empty when they are valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        nonNegative(problems, "maxAccuracyDropPoints", maxAccuracyDropPoints);
        positive(problems, "maxSizeMb", maxSizeMb);
        positive(problems, "maxP95LatencyMillis", maxP95LatencyMillis);
        positive(problems, "maxMemoryMb", maxMemoryMb);
        return problems;
    }

    private static void nonNegative(List<String> problems, String name, Double v) {
        if (v != null && (v.isNaN() || v < 0)) {
            problems.add(name + " must be >= 0, was " + v);
        }
    }

    private static void positive(List<String> problems, String name, Double v) {
        if (v != null && (v.isNaN() || v <= 0)) {
            problems.add(name + " must be > 0, was " + v);
        }
    }
}
