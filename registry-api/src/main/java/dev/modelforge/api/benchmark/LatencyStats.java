package dev.modelforge.api.benchmark;

/**
 * Distribution of per-inference wall-clock latencies at one batch size.
 *
 * @param batchSize    samples per inference call
 * @param samples      number of timed inference calls
 * @param p50Millis    median latency
 * @param p90Millis    90th percentile
 * @param p95Millis    95th percentile (what profile limits and policies use)
 * @param p99Millis    99th percentile
 * @param meanMillis   arithmetic mean
 * @param stddevMillis sample standard deviation
 * @param minMillis    fastest call
 * @param maxMillis    slowest call
 */
public record LatencyStats(int batchSize, int samples, double p50Millis, double p90Millis, double p95Millis,
                           double p99Millis,
                           double meanMillis, double stddevMillis, double minMillis, double maxMillis) {
}
