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
 */
public record UploadRequest(String modelName, Path modelFile, Path evalFile, Path calibrationFile,
                            SourceMetadata metadata, String idempotencyKey, String sha256) {

    /** An upload without a declared digest. */
    public UploadRequest(String modelName, Path modelFile, Path evalFile, Path calibrationFile,
                         SourceMetadata metadata, String idempotencyKey) {
        this(modelName, modelFile, evalFile, calibrationFile, metadata, idempotencyKey, null);
    }

    /** @return this request declaring the model file's SHA-256 (lower-case hex) */
    public UploadRequest withSha256(String sha256Hex) {
        return new UploadRequest(modelName, modelFile, evalFile, calibrationFile, metadata, idempotencyKey, sha256Hex);
    }

    /** @return true when the request needs a multipart body (datasets attached) */
    public boolean hasDatasets() {
        return evalFile != null || calibrationFile != null;
    }
}
