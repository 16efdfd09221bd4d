package dev.modelforge.api.benchmark;

/** Outcome of one benchmark job. A failed job still produces a result, with a {@link FailureReason}. */
public enum BenchmarkStatus {
    /** Every requested measurement was taken. */
    OK,
    /** The variant could not be loaded, run or measured within the profile's limits. */
    FAILED
}
