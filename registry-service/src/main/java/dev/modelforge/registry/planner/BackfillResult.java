package dev.modelforge.registry.planner;

/**
 * Outcome of {@code POST /api/v1/device-profiles/{name}/backfill}.
 *
 * @param profile        the profile backfilled
 * @param versions       model versions considered (all but archived)
 * @param jobsCreated    new jobs planned and published
 * @param jobsReused     existing jobs (same version and recipe) that now also serve the profile
 */
public record BackfillResult(String profile, int versions, int jobsCreated, int jobsReused) {
}
