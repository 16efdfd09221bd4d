package dev.modelforge.registry.benchmark;

/**
 * Fired when a benchmark job of (model, profile) is queued or finished, so answers derived from benchmark progress
 * ("benchmarks pending: 3 of 7 done") are dropped from caches after the commit.
 *
 * @param modelName model
 * @param profile   device profile
 */
public record BenchmarksChanged(String modelName, String profile) {
}
