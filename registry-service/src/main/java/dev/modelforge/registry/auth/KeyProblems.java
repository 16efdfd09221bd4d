package dev.modelforge.registry.auth;

import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.registry.error.ProblemException;

/** The problem+json answers of the API key endpoints. */
final class KeyProblems {

    private KeyProblems() {
    }

    static ProblemException notFound(long id) {
        return new ProblemException(404, ProblemTypes.API_KEY_NOT_FOUND, "API key not found",
                "no active API key with id " + id);
    }

    static ProblemException nameTaken(String name) {
        return new ProblemException(409, ProblemTypes.API_KEY_EXISTS, "API key name taken",
                "an active API key is already named '" + name + "'; choose another name or revoke that key first");
    }

    static ProblemException invalid(String detail) {
        return ProblemException.invalidRequest(detail);
    }
}
