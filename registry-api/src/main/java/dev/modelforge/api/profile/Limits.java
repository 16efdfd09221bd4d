package dev.modelforge.api.profile;

/**
 * Hard limits a variant must meet on this profile; {@code null} means no limit.
 *
 * @param maxSizeMb            largest acceptable model file, in MiB
 * @param maxP95LatencyMillis  largest acceptable p95 latency of one inference, in milliseconds
 * @param maxMemoryMb          largest acceptable peak memory while serving, in MiB
 */
public record Limits(Double maxSizeMb, Double maxP95LatencyMillis, Double maxMemoryMb) {
}
