package dev.modelforge.registry.artifact;

/**
 * Bytes that are in object storage under their content address but not (yet) registered in the database.
 *
 * @param sha256       lower-case hex digest
 * @param sizeBytes    length
 * @param mediaType    media type to register
 * @param newlyStored  true if this upload created the object (so a failed transaction must remove it);
 *                     false if identical bytes were already stored
 * @param claim        this upload's claim on the content address (released once it commits or is
 *                     discarded), or null when a committed row already held the object
 */
public record StoredBlob(String sha256, long sizeBytes, String mediaType, boolean newlyStored, java.util.UUID claim) {
    public String storageKey() {
        return Artifact.keyFor(sha256);
    }
}
