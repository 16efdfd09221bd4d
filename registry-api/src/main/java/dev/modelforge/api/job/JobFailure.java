package dev.modelforge.api.job;

/**
 * Body of {@code POST /api/v1/jobs/{id}/fail}.
 *
 * @param workerId the worker reporting
 * @param kind     retrying, refused or dead
 * @param reason   a sentence an operator can act on
 */
public record JobFailure(String workerId, FailureKind kind, String reason) {
}
