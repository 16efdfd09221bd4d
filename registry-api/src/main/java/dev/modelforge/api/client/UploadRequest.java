package dev.modelforge.api.client;

import dev.modelforge.api.version.SourceMetadata;
import java.nio.file.Path;

/**
 * What to upload as a new model version.
 *
 * @param modelName      target model; created if missing
 * @param modelFile      the ONNX file
 * @param evalFile       evaluation dataset ({@code .npz} or ONNX test-data zip), may be null
 * @param calibrationFile calibration dataset, may be null
 * @param metadata       source metadata, may be null
 * @param idempotencyKey retry key, may be null
 * @param sha256         lower-case hex SHA-256 of the model file if the caller already knows it, may be null;
 *                       sent as {@code Repr-Digest} so the registry can store the bytes at their content
 *                       address in one pass (it verifies them and refuses a mismatch)
 * @param allowSignatureChange true when the version is meant to change the model's inputs/outputs; without it
 *                       the registry refuses such a version ({@code signature-changed})
 */
public record UploadRequest(String modelName, Path modelFile, Path evalFile, Path calibrationFile,
                            SourceMetadata metadata, String idempotencyKey, String sha256,
                            boolean allowSignatureChange) {

    /** An upload that keeps the model's signature. */
    public UploadRequest(String modelName, Path modelFile, Path evalFile, Path calibrationFile,
                         SourceMetadata metadata, String idempotencyKey, String sha256) {
        this(modelName, modelFile, evalFile, calibrationFile, metadata, idempotencyKey, sha256, false);
    }

    /** An upload without a declared digest. */
    public UploadRequest(String modelName, Path modelFile, Path evalFile, Path calibrationFile,
                         SourceMetadata metadata, String idempotencyKey) {
        this(modelName, modelFile, evalFile, calibrationFile, metadata, idempotencyKey, null);
    }

    /** @return this request declaring the model file's SHA-256 (lower-case hex) */
    public UploadRequest withSha256(String sha256Hex) {
        return new UploadRequest(modelName, modelFile, evalFile, calibrationFile, metadata, idempotencyKey, sha256Hex,
                allowSignatureChange);
    }

    /** @return this request marked as intentionally changing the model's signature */
    public UploadRequest withSignatureChangeAllowed() {
        return new UploadRequest(modelName, modelFile, evalFile, calibrationFile, metadata, idempotencyKey, sha256,
                true);
    }

    /** @return true when the request needs a multipart body (datasets attached) */
    public boolean hasDatasets() {
        return evalFile != null || calibrationFile != null;
    }
}
