package dev.modelforge.api.client;

import dev.modelforge.api.version.ModelVersionDto;

/**
 * Outcome of an upload.
 *
 * @param version the version that holds the bytes
 * @param created true for a new version (201), false when an idempotent retry found the existing one (200)
 */
public record UploadResult(ModelVersionDto version, boolean created) {
}
