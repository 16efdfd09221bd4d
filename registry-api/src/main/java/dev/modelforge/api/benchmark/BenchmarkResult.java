package dev.modelforge.api.benchmark;

import java.time.Instant;
import java.util.List;

/**
 * One benchmark of one variant on one device profile, as the worker posts it to
 * {@code POST /api/v1/variants/{variantId}/benchmarks}. Posting the same {@code jobId} twice is a no-op.
 * A failed benchmark carries {@code status=FAILED}, a reason and a detail; its measurement fields may be
 * null. An {@code emulated} result was measured on hardware that does not match the profile (different
 * architecture or missing ISA features) with the profile's threads, cores and memory limit only.
 *
 * @param jobId            id of the benchmark job; the idempotency key
 * @param variantId        measured variant
 * @param deviceProfile    device profile name
 * @param status           ok or failed
 * @param failureReason    why it failed; null when ok
 * @param failureDetail    runtime message, human readable; null when ok
 * @param emulated         true when the hardware does not match the profile
 * @param sizeBytes        artifact size
 * @param loadMillis       time to create the inference session
 * @param latency          batch-1 latency distribution
 * @param throughput       throughput at the profile's batch sizes
 * @param peakRssMb        peak resident memory of a process that only loads and runs the model
 * @param baseRssMb        resident memory of that process before loading the model (runtime overhead)
 * @param accuracy         accuracy or fidelity on the evaluation set; null when there is none
 * @param comparison       interleaved latency ratio against the profile's baseline; null without baseline
 * @param fingerprint      hardware and software it was measured with
 * @param notes            what the numbers do not show: skipped batch sizes, generated inputs, …
 * @param measuredAt       when the measurement finished
 */
public record BenchmarkResult(String jobId, String variantId, String deviceProfile, BenchmarkStatus status,
                              FailureReason failureReason, String failureDetail, boolean emulated,
                              Long sizeBytes, Double loadMillis, LatencyStats latency,
                              List<ThroughputPoint> throughput, Double peakRssMb, Double baseRssMb,
                              AccuracyMetrics accuracy, LatencyComparison comparison,
                              HardwareFingerprint fingerprint, List<String> notes, Instant measuredAt) {

    /** Immutable throughput list; null stays null so a failed result serializes as such. */
    public BenchmarkResult {
        throughput = throughput == null ? null : List.copyOf(throughput);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * A failed result that carries only the reason and what is known about the run.
     *
     * @param reason      failure reason
     * @param detail      message
     * @param fingerprint hardware, may be null
     * @param emulated    whether the hardware matched the profile
     * @return the failed result, without job identity (see {@link #forJob})
     */
    public static BenchmarkResult failed(FailureReason reason, String detail, HardwareFingerprint fingerprint,
                                         boolean emulated) {
        return new BenchmarkResult(null, null, null, BenchmarkStatus.FAILED, reason, detail, emulated,
                null, null, null, null, null, null, null, null, fingerprint, List.of(), Instant.now());
    }

    /**
     * The same result attributed to a job.
     *
     * @param newJobId     job id
     * @param newVariantId variant id
     * @param profile      device profile name
     * @return a copy with the identity fields set
     */
    public BenchmarkResult forJob(String newJobId, String newVariantId, String profile) {
        return new BenchmarkResult(newJobId, newVariantId, profile, status, failureReason, failureDetail, emulated,
                sizeBytes, loadMillis, latency, throughput, peakRssMb, baseRssMb, accuracy, comparison,
                fingerprint, notes, measuredAt);
    }

    /**
     * The same result with the artifact size the registry measured (a worker's claim never overrides it).
     *
     * @param measuredSizeBytes size of the variant's stored artifact
     * @return a copy with {@code sizeBytes} replaced
     */
    public BenchmarkResult withSizeBytes(long measuredSizeBytes) {
        return new BenchmarkResult(jobId, variantId, deviceProfile, status, failureReason, failureDetail, emulated,
                measuredSizeBytes, loadMillis, latency, throughput, peakRssMb, baseRssMb, accuracy, comparison,
                fingerprint, notes, measuredAt);
    }
}
