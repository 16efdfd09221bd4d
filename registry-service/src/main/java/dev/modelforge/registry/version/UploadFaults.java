package dev.modelforge.registry.version;

/**
 * A point in the upload where tests inject a failure: after the bytes are in storage, inside the
 * registration transaction, before commit. Production uses {@link NoUploadFaults}.
 */
public interface UploadFaults {
    /** Called inside the registration transaction after rows and outbox event are written. */
    void beforeCommit(String modelName, String sha256);
}
