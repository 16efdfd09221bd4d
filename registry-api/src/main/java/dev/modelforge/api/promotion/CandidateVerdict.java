package dev.modelforge.api.promotion;

import java.util.List;

/**
 * The policy's judgement of one candidate in a decision.
 *
 * @param variantId the candidate
 * @param version   its model version number
 * @param recipe    its recipe label
 * @param eligible  whether it met every rule
 * @param rank      1 for the best eligible candidate; null when not eligible
 * @param reasons   why it was rejected; empty when eligible
 */
public record CandidateVerdict(String variantId, int version, String recipe, boolean eligible, Integer rank,
                               List<String> reasons) {

    /** Immutable reasons. */
    public CandidateVerdict {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
