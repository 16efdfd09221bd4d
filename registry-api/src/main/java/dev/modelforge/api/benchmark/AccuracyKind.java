package dev.modelforge.api.benchmark;

/** What an {@link AccuracyMetrics} compares against. */
public enum AccuracyKind {
    /** Top-1 against the evaluation set's {@code labels}. */
    LABELS,
    /** Agreement with the baseline variant's outputs on the same inputs (no labels available). */
    FIDELITY
}
