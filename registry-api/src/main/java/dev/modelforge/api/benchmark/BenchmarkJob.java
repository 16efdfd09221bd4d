package dev.modelforge.api.benchmark;

/**
 * A request to measure one variant on one device profile, published by the registry on the
 * {@code modelforge.benchmark-jobs} topic (keyed by model id) when a variant is created for a profile.
 *
 * @param jobId          deterministic id (variant + profile + runtime version), the idempotency key
 * @param variantId      variant to measure
 * @param deviceProfile  profile name; only workers serving it consume the job
 * @param artifact       the variant's ONNX file
 * @param baseline       the profile's baseline variant to run interleaved with; null for the baseline itself
 * @param evalDataset    the model version's evaluation set (.npz or zipped ONNX test data); may be null
 */
public record BenchmarkJob(String jobId, long variantId, String deviceProfile, ArtifactRef artifact,
                           BaselineRef baseline, ArtifactRef evalDataset) {

    /**
     * An immutable blob in object storage.
     *
     * @param storageKey object key in the registry's bucket
     * @param sha256     hex digest the downloaded bytes must match
     * @param sizeBytes  size in bytes
     */
    public record ArtifactRef(String storageKey, String sha256, long sizeBytes) {
    }

    /**
     * The baseline variant of the same model version.
     *
     * @param variantId baseline variant id
     * @param artifact  its ONNX file
     */
    public record BaselineRef(long variantId, ArtifactRef artifact) {
    }
}
