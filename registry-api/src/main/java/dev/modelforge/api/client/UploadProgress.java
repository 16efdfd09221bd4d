package dev.modelforge.api.client;

/** Receives upload progress; called from the HTTP client's threads, so implementations must be cheap. */
@FunctionalInterface
public interface UploadProgress {
    /** Ignores progress. */
    UploadProgress NONE = (sent, total) -> { };

    /**
     * @param sentBytes  bytes handed to the network so far
     * @param totalBytes total request body bytes
     */
    void onProgress(long sentBytes, long totalBytes);
}
