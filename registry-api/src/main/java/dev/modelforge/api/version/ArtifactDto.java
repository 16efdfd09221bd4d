package dev.modelforge.api.version;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An immutable, content-addressed blob.
 *
 * @param sha256    lower-case hex SHA-256 of the bytes; also the identity
 * @param sizeBytes length in bytes
 * @param mediaType media type, see {@link MediaTypes}
 * @param files     for a model directory ({@link MediaTypes#ONNX_DIRECTORY}): its files, sorted by path (the blob
 *                  itself is the JSON manifest listing them); null for a single file
 */
public record ArtifactDto(String sha256, long sizeBytes, String mediaType,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<ManifestFile> files) {

    /**
     * A single-file artifact.
     *
     * @param sha256    digest
     * @param sizeBytes length
     * @param mediaType media type
     */
    public ArtifactDto(String sha256, long sizeBytes, String mediaType) {
        this(sha256, sizeBytes, mediaType, null);
    }

    /** @return whether this is a model directory (model.onnx plus external-data files) */
    public boolean isDirectory() {
        return files != null;
    }
}
