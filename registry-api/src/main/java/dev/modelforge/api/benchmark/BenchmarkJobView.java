package dev.modelforge.api.benchmark;

import dev.modelforge.api.job.JobStatus;

import java.time.Instant;

/**
 * A benchmark job as the REST API shows it: {@code GET /api/v1/benchmark-jobs/{id}} and
 * {@code GET /api/v1/models/{name}/versions/{version}/benchmark-jobs}.
 *
 * @param id            job id (the idempotency key of the result)
 * @param variantId     variant to measure
 * @param modelName     model name
 * @param version       model version number
 * @param recipe        the variant's recipe label ({@code baseline} for the original)
 * @param deviceProfile profile to measure on
 * @param status        queued, running, succeeded (an OK result) or failed (a FAILED result)
 * @param reason        why it was queued: {@code variant-created} or {@code rebenchmark}
 * @param workerId      the worker that started it, or null
 * @param error         the failure reason and detail of a failed result, or null
 * @param createdAt     when it was queued
 * @param updatedAt     last change
 * @param waiting       for a queued job, what it waits for ({@link #WAITING_NO_WORKER}), or null
 */
public record BenchmarkJobView(String id, String variantId, String modelName, int version, String recipe,
                               String deviceProfile, JobStatus status, String reason, String workerId, String error,
                               Instant createdAt, Instant updatedAt, String waiting) {

    /** {@link #waiting} of a queued job whose profile no live benchmark worker serves. */
    public static final String WAITING_NO_WORKER = "no worker for this profile";

    /** A view that waits for nothing in particular. */
    public BenchmarkJobView(String id, String variantId, String modelName, int version, String recipe,
                            String deviceProfile, JobStatus status, String reason, String workerId, String error,
                            Instant createdAt, Instant updatedAt) {
        this(id, variantId, modelName, version, recipe, deviceProfile, status, reason, workerId, error, createdAt,
                updatedAt, null);
    }

    /**
     * @param why what the queued job waits for
     * @return this view saying so
     */
    public BenchmarkJobView waitingFor(String why) {
        return new BenchmarkJobView(id, variantId, modelName, version, recipe, deviceProfile, status, reason, workerId,
                error, createdAt, updatedAt, why);
    }

    /** Queued because a variant was created for the profile. */
    public static final String REASON_VARIANT_CREATED = "variant-created";
    /** Queued because a backfill made an existing variant serve the profile. */
    public static final String REASON_PROFILE_ADDED = "profile-added";
    /** Queued by {@code POST /api/v1/device-profiles/{name}/rebenchmark}. */
    public static final String REASON_REBENCHMARK = "rebenchmark";
}
