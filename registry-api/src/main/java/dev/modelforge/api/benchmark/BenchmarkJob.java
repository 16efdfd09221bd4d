package dev.modelforge.api.benchmark;

import dev.modelforge.api.job.StoredObject;

/**
 * A request to measure one variant on one device profile, published by the registry on {@link #TOPIC}
 * (keyed by model id) when a variant is created for a profile. Workers serving the profile consume it in
 * the consumer group {@code modelforge-benchmark-<profile>}, so each (variant, profile) is measured once.
 *
 * @param jobId              deterministic id (variant + profile + runtime version), the idempotency key
 * @param variantId          variant to measure
 * @param deviceProfile      profile name; only workers serving it act on the job
 * @param artifact           the variant's ONNX file
 * @param baselineVariantId  the profile's baseline variant of the same version; null for the baseline itself
 * @param baseline           the baseline's ONNX file; null for the baseline itself
 * @param eval               the model version's evaluation set (.npz or zipped ONNX test data); may be null
 */
public record BenchmarkJob(String jobId, String variantId, String deviceProfile, StoredObject artifact,
                           String baselineVariantId, StoredObject baseline, StoredObject eval) {

    /** Topic of benchmark jobs. */
    public static final String TOPIC = "modelforge.benchmark-jobs";
    /** Poison jobs land here after bounded retries. */
    public static final String DEAD_LETTER_TOPIC = "modelforge.benchmark-jobs.dlq";
    /** Topic the registry emits completed benchmarks on. */
    public static final String RESULTS_TOPIC = "modelforge.benchmarks";
}
