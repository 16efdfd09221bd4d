package dev.modelforge.registry.events;

import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.registry.error.ProblemException;

/** Problems of the outbox and its dead-letter administration. */
final class OutboxProblems {
    private OutboxProblems() {
    }

    static ProblemException eventTooLarge(String eventType, long bytes, long max) {
        return new ProblemException(422, ProblemTypes.EVENT_TOO_LARGE, "Event too large",
                "this change would publish a " + eventType + " event of " + bytes + " bytes; events are limited to "
                        + max + " bytes (modelforge.outbox.max-payload-size). Nothing was stored");
    }

    static ProblemException deadLetterNotFound(String id) {
        return new ProblemException(404, ProblemTypes.NOT_FOUND, "Dead letter not found",
                "no parked event with id " + id);
    }
}
