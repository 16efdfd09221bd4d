package dev.modelforge.api.benchmark;

/**
 * The payload the registry publishes on {@link BenchmarkJob#RESULTS_TOPIC} (Kafka key = model id) when a benchmark
 * result is stored for the first time; a repeated post of the same job emits nothing.
 *
 * @param jobId         the benchmark job
 * @param variantId     the measured variant
 * @param modelId       owning model id
 * @param modelName     model name
 * @param version       model version number
 * @param deviceProfile profile it was measured for
 * @param status        ok or failed
 * @param result        the result as stored
 */
public record BenchmarkCompletedEvent(String jobId, String variantId, String modelId, String modelName, int version,
                                      String deviceProfile, BenchmarkStatus status, BenchmarkResult result) {

    /** CloudEvents type of the event. */
    public static final String EVENT_TYPE = "dev.modelforge.benchmark.completed";
}
