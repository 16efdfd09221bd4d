package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.api.benchmark.LatencyStats;
import dev.modelforge.api.benchmark.ThroughputPoint;
import java.util.List;

/**
 * What {@link LatencyBenchmark} measured for one model.
 *
 * @param loadMillis  session creation time
 * @param sizeBytes   artifact size
 * @param latency     batch-1 latency
 * @param throughput  throughput per batch size that the model accepts
 * @param notes       batch sizes skipped and why, input provenance
 */
public record LatencyReport(double loadMillis, long sizeBytes, LatencyStats latency, List<ThroughputPoint> throughput,
                            List<String> notes) {
}
