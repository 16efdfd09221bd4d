package dev.modelforge.worker.benchmark.job;

/**
 * The registry or object storage could not be reached or answered "try later" (connection refused, 5xx, 429,
 * an S3 hiccup). Retried with backoff; when the attempts are used up the job goes to the dead-letter topic.
 */
public class TransientFailure extends RuntimeException {

    /**
     * @param message what failed
     * @param cause   the underlying error, may be null
     */
    public TransientFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
