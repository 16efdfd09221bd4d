package dev.modelforge.worker.benchmark.job;

/**
 * The job can never succeed as it is: the registry rejected it for good (unknown job, result for another
 * variant or profile, invalid body) or the message itself is malformed. Goes to the dead-letter topic at once.
 */
public class RejectedJob extends RuntimeException {

    /** @param message why, for the dead-letter header */
    public RejectedJob(String message) {
        super(message);
    }
}
