package dev.modelforge.registry.version;

/**
 * Fired synchronously inside the upload transaction once a new version and its artifacts are persisted, so
 * observers (the compression planner) write their rows in the same transaction: all commit, or none.
 *
 * @param versionId the new {@link ModelVersion}'s id
 */
public record VersionCreated(Long versionId) {
}
