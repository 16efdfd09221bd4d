package dev.modelforge.worker.benchmark.measure;

/**
 * Raw outcome of one interleaved baseline/variant run in one process.
 *
 * @param batchSize      batch size of every call
 * @param roundRatios    per round: median variant latency / median baseline latency
 * @param baselineNanos  every timed baseline call
 * @param variantNanos   every timed variant call
 */
public record PairedRun(int batchSize, double[] roundRatios, long[] baselineNanos, long[] variantNanos) {
}
