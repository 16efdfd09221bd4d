package dev.modelforge.worker.benchmark.job;

/** The registry already holds a result for the job (a redelivery): the message is dropped without measuring. */
public class JobAlreadyFinished extends RuntimeException {

    /** @param problem the registry's problem document */
    public JobAlreadyFinished(String problem) {
        super(problem);
    }
}
