package dev.modelforge.registry.promotion;

import java.util.List;

/**
 * The policy's judgement of one candidate: eligible with its rank, or each reason it was rejected.
 *
 * @param variantId    the candidate
 * @param modelVersion its model version
 * @param recipe       its recipe
 * @param eligible     whether it met every rule
 * @param rank         1 for the best eligible candidate, null when not eligible
 * @param reasons      why it was rejected (empty when eligible)
 */
public record Verdict(String variantId, int modelVersion, String recipe, boolean eligible, Integer rank,
                      List<String> reasons) {
}
