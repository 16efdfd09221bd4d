package dev.modelforge.api.job;

/**
 * Body of {@code POST /api/v1/jobs/{id}/claim}: a worker announces it starts (or restarts) the job.
 *
 * @param workerId a stable name of the worker process, for operators
 */
public record JobClaim(String workerId) {
}
