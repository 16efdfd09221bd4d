package dev.modelforge.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelforge.api.version.ManifestFile;
import java.util.List;

/**
 * An immutable object in the shared bucket, with what is needed to verify it after download.
 *
 * @param storageKey the object key in the bucket
 * @param sha256     lower-case hex sha256 of the content
 * @param sizeBytes  content length
 * @param files      for a model directory: the files to download side by side (each verified by its sha256);
 *                   the object itself is then the directory's JSON manifest. Null for a single file.
 */
public record StoredObject(String storageKey, String sha256, long sizeBytes,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<ManifestFile> files) {

    /**
     * A single file.
     *
     * @param storageKey object key
     * @param sha256     digest
     * @param sizeBytes  length
     */
    public StoredObject(String storageKey, String sha256, long sizeBytes) {
        this(storageKey, sha256, sizeBytes, null);
    }

    /** @return whether this is a model directory */
    public boolean isDirectory() {
        return files != null;
    }
}
