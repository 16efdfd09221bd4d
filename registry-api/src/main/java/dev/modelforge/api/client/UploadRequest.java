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
 */
public record UploadRequest(String modelName, Path modelFile, Path evalFile, Path calibrationFile,
                            SourceMetadata metadata, String idempotencyKey) {

    /** @return true when the request needs a multipart body (datasets attached) */
    public boolean hasDatasets() {
        return evalFile != null || calibrationFile != null;
    }
}
