package dev.modelforge.registry.benchmark;

/**
 * Fired synchronously in the transaction that stores a new benchmark result, after its job turned terminal, so the
 * promotion engine can decide in that same transaction when it completed the version's benchmarks on the profile.
 *
 * @param versionId the model version's id
 * @param profile   the device profile
 */
public record BenchmarkRecorded(Long versionId, String profile) {
}
