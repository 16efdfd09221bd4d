package dev.modelforge.api.benchmark;

/**
 * Throughput at one batch size: batch size divided by the median batch latency.
 *
 * @param batchSize         samples per inference call
 * @param samplesPerSecond  batchSize / median latency
 * @param latency           the batch latency distribution it was derived from
 */
public record ThroughputPoint(int batchSize, double samplesPerSecond, LatencyStats latency) {
}
