package dev.modelforge.api.promotion;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The review state of a {@link PromotionOutcome#PENDING_APPROVAL} decision. */
public enum ApprovalState {
    /** Waiting for {@code POST /api/v1/promotions/{id}/approve} or {@code /reject}. */
    PENDING,
    /** Approved: the variant took effect at the approval time. */
    APPROVED,
    /** Rejected: nothing changed. */
    REJECTED;

    /** The JSON spelling, lower case. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
