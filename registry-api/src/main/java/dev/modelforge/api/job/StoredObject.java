package dev.modelforge.api.job;

/**
 * An immutable object in the shared bucket, with what is needed to verify it after download.
 *
 * @param storageKey the object key in the bucket
 * @param sha256     lower-case hex sha256 of the content
 * @param sizeBytes  content length
 */
public record StoredObject(String storageKey, String sha256, long sizeBytes) {
}
