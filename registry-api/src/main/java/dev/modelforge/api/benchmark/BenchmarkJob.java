package dev.modelforge.api.benchmark;

import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.profile.DeviceProfile;

/**
 * A request to measure one variant on one device profile, published by the registry on {@link #TOPIC}
 * (keyed by model id) when a variant is created for a profile, and again (with a new job id) when the profile is
 * re-benchmarked. Workers serving the profile consume it in the consumer group
 * {@code modelforge-benchmark-<profile>}, so each job is measured once per profile.
 *
 * @param jobId              random id of this job, the idempotency key of the result; a re-benchmark is a new job
 * @param variantId          variant to measure
 * @param deviceProfile      profile name; only workers serving it act on the job
 * @param artifact           the variant's ONNX file
 * @param baselineVariantId  the baseline variant of the same version; null for the baseline itself
 * @param baseline           the baseline's ONNX file; null for the baseline itself
 * @param eval               the model version's evaluation set (.npz or zipped ONNX test data); may be null
 * @param modelId            owning model id (also the Kafka key); may be null in hand-made jobs
 * @param modelName          model name, for logs; may be null
 * @param version            model version number; 0 when unknown
 * @param profile            snapshot of the device profile when the job was queued; null = the worker reads the
 *                           profile's current revision from the registry
 * @param reason             why it was queued: {@link BenchmarkJobView#REASON_VARIANT_CREATED},
 *                           {@link BenchmarkJobView#REASON_PROFILE_ADDED} or
 *                           {@link BenchmarkJobView#REASON_REBENCHMARK}; may be null
 */
public record BenchmarkJob(String jobId, String variantId, String deviceProfile, StoredObject artifact,
                           String baselineVariantId, StoredObject baseline, StoredObject eval,
                           String modelId, String modelName, int version, DeviceProfile profile, String reason) {

    /** Topic of benchmark jobs. */
    public static final String TOPIC = "modelforge.benchmark-jobs";
    /** Poison jobs land here after bounded retries. */
    public static final String DEAD_LETTER_TOPIC = "modelforge.benchmark-jobs.dlq";
    /** Topic the registry emits completed benchmarks on. */
    public static final String RESULTS_TOPIC = "modelforge.benchmarks";

    /**
     * A job without model identity and profile snapshot (the first seven components only).
     *
     * @param jobId             job id
     * @param variantId         variant to measure
     * @param deviceProfile     profile name
     * @param artifact          the variant's ONNX file
     * @param baselineVariantId baseline variant id, or null
     * @param baseline          baseline's ONNX file, or null
     * @param eval              evaluation set, or null
     */
    public BenchmarkJob(String jobId, String variantId, String deviceProfile, StoredObject artifact,
                        String baselineVariantId, StoredObject baseline, StoredObject eval) {
        this(jobId, variantId, deviceProfile, artifact, baselineVariantId, baseline, eval, null, null, 0, null, null);
    }

    /**
     * The same job with a profile snapshot.
     *
     * @param snapshot the device profile to measure with
     * @return a copy carrying {@code snapshot}
     */
    public BenchmarkJob withProfile(DeviceProfile snapshot) {
        return new BenchmarkJob(jobId, variantId, deviceProfile, artifact, baselineVariantId, baseline, eval,
                modelId, modelName, version, snapshot, reason);
    }
}
