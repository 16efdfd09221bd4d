package dev.modelforge.api.version;

import java.time.Instant;

/**
 * One version of a model.
 *
 * @param modelId     owning model's id
 * @param modelName   owning model's name
 * @param version     number, 1-based, monotonic per model
 * @param status      lifecycle status
 * @param artifact    the ONNX file
 * @param eval        evaluation dataset, may be null
 * @param calibration calibration dataset, may be null
 * @param signature   graph I/O signature
 * @param source      source metadata
 * @param createdBy   name of the API key that uploaded it
 * @param createdAt   upload time
 */
public record ModelVersionDto(long modelId, String modelName, int version, VersionStatus status,
                              ArtifactDto artifact, ArtifactDto eval, ArtifactDto calibration,
                              SignatureDto signature, SourceMetadata source, String createdBy,
                              Instant createdAt) {
}
