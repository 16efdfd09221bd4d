package dev.modelforge.api.promotion;

import java.time.Instant;
import java.util.List;

/**
 * One entry of the promotion audit log of a (model, device profile): a policy decision, a manual promotion or a
 * rollback. The same record is the payload of {@link #TOPIC} (key = model id).
 *
 * <p>A record is <em>effective</em> when it changed what serves the profile: {@code effectiveAt} is then set (the
 * decision time, or the approval time in approval mode). The variant serving at time T is the one of the latest
 * record with {@code effectiveAt <= T}.
 *
 * @param id                promotion id
 * @param modelName         model
 * @param device            device profile name
 * @param kind              policy, manual or rollback
 * @param outcome           what was decided
 * @param approval          review state of a pending decision, else null
 * @param version           model version of {@code variantId}, or null when there is none
 * @param variantId         the winner (the champion when kept; null when nothing is eligible and none serves)
 * @param recipe            the winner's recipe label, or null
 * @param decidedVersion    the model version whose benchmarks triggered a policy decision, or null
 * @param previousVariantId the variant serving when the record was made, or null
 * @param reason            why, in one sentence
 * @param verdicts          each candidate's verdict (policy decisions only)
 * @param decidedBy         {@code policy} or the API key that acted ({@code name (id)})
 * @param decidedAt         when the record was made
 * @param effectiveAt       when it took effect; null when it changed nothing (yet)
 * @param reviewedBy        who approved or rejected, or null
 * @param reviewedAt        when, or null
 * @param reviewComment     their comment, or null
 * @param fallback          {@code baseline} when the policy chose the unmodified original because no compressed
 *                          variant was eligible; null otherwise
 */
public record Promotion(String id, String modelName, String device, PromotionKind kind, PromotionOutcome outcome,
                        ApprovalState approval, Integer version, String variantId, String recipe,
                        Integer decidedVersion, String previousVariantId, String reason,
                        List<CandidateVerdict> verdicts, String decidedBy, Instant decidedAt, Instant effectiveAt,
                        String reviewedBy, Instant reviewedAt, String reviewComment, String fallback) {

    /** Topic of promotion records. */
    public static final String TOPIC = "modelforge.promotions";
    /** CloudEvents type of a new record. */
    public static final String EVENT_DECIDED = "dev.modelforge.promotion.decided";
    /** CloudEvents type of an approval or rejection. */
    public static final String EVENT_REVIEWED = "dev.modelforge.promotion.reviewed";

    /** Immutable verdicts. */
    public Promotion {
        verdicts = verdicts == null ? List.of() : List.copyOf(verdicts);
    }
}
