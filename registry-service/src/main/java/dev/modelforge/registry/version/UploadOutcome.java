package dev.modelforge.registry.version;

import dev.modelforge.api.version.ModelVersionDto;

/**
 * @param version the version holding the upload
 * @param created false when an idempotent retry found the existing version
 */
public record UploadOutcome(ModelVersionDto version, boolean created) {
}
