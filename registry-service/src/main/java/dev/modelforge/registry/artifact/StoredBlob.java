package dev.modelforge.registry.artifact;

/**
 * Bytes that are in object storage under their content address but not (yet) registered in the database.
 *
 * @param sha256       lower-case hex digest
 * @param sizeBytes    length
 * @param mediaType    media type to register
 * @param newlyStored  true if this upload created the object (so a failed transaction must remove it);
 *                     false if identical bytes were already stored
 */
public record StoredBlob(String sha256, long sizeBytes, String mediaType, boolean newlyStored) {
    public String storageKey() {
        return Artifact.keyFor(sha256);
    }
}
