package dev.modelforge.api.benchmark;

/**
 * Whether a device profile has a live benchmark worker: the answer of {@code GET /api/v1/benchmark-workers}, one per
 * active profile. Benchmark workers consume a profile's jobs in the Kafka consumer group {@link #groupOf}; a profile
 * whose group has no member has nobody to measure on it, so a client waiting for its decision would wait in vain.
 *
 * @param profile       the device profile
 * @param consumerGroup the Kafka consumer group of its benchmark workers
 * @param members       live members of that group now (0: no worker serves the profile)
 * @param state         the group's state as the broker reports it ({@code Stable}, {@code Empty}, {@code Dead}...),
 *                      or {@code unknown} when the broker could not be asked
 */
public record BenchmarkWorkers(String profile, String consumerGroup, int members, String state) {

    /** The consumer group of a profile's benchmark workers. */
    public static String groupOf(String profile) {
        return "modelforge-benchmark-" + profile;
    }

    /** True when at least one worker is consuming the profile's jobs. */
    public boolean served() {
        return members > 0;
    }
}
