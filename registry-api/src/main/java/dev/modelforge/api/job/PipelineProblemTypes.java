package dev.modelforge.api.job;

import dev.modelforge.api.problem.ProblemTypes;

/**
 * Stable problem {@code type} URIs of the device-profile, job and variant endpoints (same base as
 * {@link ProblemTypes}); never renamed once published.
 */
public final class PipelineProblemTypes {
    /** A device profile failed validation (unknown recipe or ISA feature, negative limit, bad name). */
    public static final String DEVICE_PROFILE_INVALID = ProblemTypes.BASE + "device-profile-invalid";
    /** No device profile of that name. */
    public static final String DEVICE_PROFILE_NOT_FOUND = ProblemTypes.BASE + "device-profile-not-found";
    /** No compression job with that id. */
    public static final String JOB_NOT_FOUND = ProblemTypes.BASE + "job-not-found";
    /** The job already reached a terminal status (succeeded, failed, dead); a worker must drop it. */
    public static final String JOB_FINISHED = ProblemTypes.BASE + "job-finished";
    /** A worker report that cannot be accepted (progress outside 0..100, variant without artifact...). */
    public static final String JOB_REPORT_INVALID = ProblemTypes.BASE + "job-report-invalid";
    /** The caller does not hold the job's lease: token missing, wrong or expired, or another key claimed it. */
    public static final String LEASE_LOST = ProblemTypes.BASE + "lease-lost";
    /** Another worker holds a live lease on the job; the delivery must be dropped. */
    public static final String LEASE_HELD = ProblemTypes.BASE + "lease-held";
    /** 404: the admin named a dead-letter topic that is not a job dead-letter topic. */
    public static final String DEAD_LETTER_TOPIC_UNKNOWN = ProblemTypes.BASE + "dead-letter-topic-unknown";
    /** A worker's claimed artifact is not what storage holds (missing, other size, other sha256). */
    public static final String ARTIFACT_MISMATCH = ProblemTypes.BASE + "artifact-mismatch";
    /** No variant with that id. */
    public static final String VARIANT_NOT_FOUND = ProblemTypes.BASE + "variant-not-found";

    private PipelineProblemTypes() {
    }
}
