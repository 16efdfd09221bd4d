package dev.modelforge.api.promotion;

import dev.modelforge.api.problem.ProblemTypes;

/** Stable problem+json {@code type} values of the benchmark and promotion endpoints. */
public final class PromotionProblemTypes {
    /** No benchmark job with that id. */
    public static final String BENCHMARK_JOB_NOT_FOUND = ProblemTypes.BASE + "benchmark-job-not-found";
    /** The benchmark job already has its result; a worker should drop the message. */
    public static final String BENCHMARK_JOB_FINISHED = ProblemTypes.BASE + "benchmark-job-finished";
    /** The posted result does not belong to the job named in it (other variant or profile). */
    public static final String BENCHMARK_JOB_MISMATCH = ProblemTypes.BASE + "benchmark-job-mismatch";
    /** The posted result is incomplete or inconsistent. */
    public static final String BENCHMARK_RESULT_INVALID = ProblemTypes.BASE + "benchmark-result-invalid";
    /** No promotion with that id. */
    public static final String PROMOTION_NOT_FOUND = ProblemTypes.BASE + "promotion-not-found";
    /** Approve/reject of a decision that is not pending. */
    public static final String PROMOTION_NOT_PENDING = ProblemTypes.BASE + "promotion-not-pending";
    /**
     * Approval of a pending decision that a newer promotion, rollback or decision of the same profile has overtaken;
     * the detail names the newer record.
     */
    public static final String PROMOTION_STALE = ProblemTypes.BASE + "promotion-stale";
    /** Manual promotion of a variant that cannot serve the profile, or a rollback with nothing to roll back to. */
    public static final String PROMOTION_INVALID = ProblemTypes.BASE + "promotion-invalid";
    /** Nothing serves the profile yet; the detail says why (benchmarks pending, nothing eligible, …). */
    public static final String NOTHING_PROMOTED = ProblemTypes.BASE + "nothing-promoted";
    /** No active device profile matches the device description. */
    public static final String NO_MATCHING_PROFILE = ProblemTypes.BASE + "no-matching-profile";

    private PromotionProblemTypes() {
    }
}
