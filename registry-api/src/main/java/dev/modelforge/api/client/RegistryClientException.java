package dev.modelforge.api.client;

import dev.modelforge.api.problem.Problem;

/** A registry call failed: the server answered with an error, or could not be reached. */
public class RegistryClientException extends RuntimeException {
    private final int status;
    private final transient Problem problem;

    /**
     * @param message what failed, for humans
     * @param status  HTTP status, or 0 when no answer was received
     * @param problem the server's problem document, may be null
     * @param cause   underlying exception, may be null
     */
    public RegistryClientException(String message, int status, Problem problem, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problem = problem;
    }

    /** @return HTTP status, or 0 when the registry was unreachable */
    public int status() {
        return status;
    }

    /** @return the problem document, or null when the answer had none */
    public Problem problem() {
        return problem;
    }
}
