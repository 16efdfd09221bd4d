package dev.modelforge.api.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.modelforge.api.version.ArtifactDto;
import dev.modelforge.api.version.SignatureDto;
import dev.modelforge.api.version.VersionStatus;
import java.time.Instant;

/**
 * Payload of every event on {@link Topics#MODEL_VERSIONS}; the CloudEvents type header says what happened.
 *
 * @param modelId     model id (also the record key)
 * @param modelName   model name
 * @param version     version number
 * @param sha256      SHA-256 of the ONNX artifact
 * @param sizeBytes   size of the ONNX artifact
 * @param signature   graph signature summary
 * @param eval        evaluation dataset artifact, may be null
 * @param calibration calibration dataset artifact, may be null
 * @param status      version status after the change
 * @param occurredAt  when the change was committed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelVersionEvent(long modelId, String modelName, int version, String sha256, long sizeBytes,
                                SignatureDto signature, ArtifactDto eval, ArtifactDto calibration,
                                VersionStatus status, Instant occurredAt) {
}
