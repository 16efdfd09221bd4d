package dev.modelforge.api.job;

/**
 * Body of {@code POST /api/v1/jobs/{id}/progress}.
 *
 * @param workerId        the worker reporting
 * @param progressPercent 0..100
 * @param message         what it is doing, for operators
 */
public record JobProgress(String workerId, int progressPercent, String message) {
}
