package dev.modelforge.api.version;

/**
 * An immutable, content-addressed blob.
 *
 * @param sha256    lower-case hex SHA-256 of the bytes; also the identity
 * @param sizeBytes length in bytes
 * @param mediaType media type, see {@link MediaTypes}
 */
public record ArtifactDto(String sha256, long sizeBytes, String mediaType) {
}
