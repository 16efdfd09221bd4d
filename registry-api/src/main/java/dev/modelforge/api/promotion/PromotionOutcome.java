package dev.modelforge.api.promotion;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What a promotion record decided; manual promotions and rollbacks are always {@link #PROMOTED}. */
public enum PromotionOutcome {
    /** The variant serves the profile from now on. */
    PROMOTED,
    /** The current champion stays; the challenger did not beat it. */
    KEPT_CHAMPION,
    /** No candidate met the policy; each candidate's reason is in the verdicts. */
    NOTHING_ELIGIBLE,
    /** The policy's winner waits for a promoter (see {@link ApprovalState}). */
    PENDING_APPROVAL;

    /** The JSON spelling, lower case. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
