package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.PromotionProblemTypes;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.Model;

import java.util.Optional;
import java.util.UUID;

/** The problem+json answers of the promotion endpoints. */
final class PromotionProblems {

    private PromotionProblems() {
    }

    static ProblemException notFound(String id) {
        return new ProblemException(404, PromotionProblemTypes.PROMOTION_NOT_FOUND, "Promotion not found",
                "no promotion with id '" + id + "'");
    }

    static ProblemException notPending(String id, String state) {
        return new ProblemException(409, PromotionProblemTypes.PROMOTION_NOT_PENDING, "Promotion not pending",
                "promotion " + id + " is " + state + "; only a pending decision can be approved or rejected");
    }

    static ProblemException stale(String id, String newer) {
        return new ProblemException(409, PromotionProblemTypes.PROMOTION_STALE, "Promotion decision is stale",
                "promotion " + id + " was overtaken by " + newer + " on the same profile; approving it would undo a"
                        + " newer decision. Reject it, or promote its variant explicitly");
    }

    static ProblemException archived(String model, int version) {
        return new ProblemException(409, dev.modelforge.api.problem.ProblemTypes.VERSION_ARCHIVED, "Version archived",
                "version " + version + " of '" + model + "' is archived; archived versions are never promoted or served");
    }

    static ProblemException invalid(String detail) {
        return new ProblemException(422, PromotionProblemTypes.PROMOTION_INVALID, "Invalid promotion", detail);
    }

    static ProblemException nothingPromoted(String detail) {
        return new ProblemException(404, PromotionProblemTypes.NOTHING_PROMOTED, "Nothing promoted", detail);
    }

    static ProblemException noMatchingProfile(String detail) {
        return new ProblemException(404, PromotionProblemTypes.NO_MATCHING_PROFILE, "No matching device profile",
                detail);
    }

    static Model model(String name) {
        return Model.findByName(name).orElseThrow(() -> ProblemException.modelNotFound(name));
    }

    static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
