package dev.modelforge.api.promotion;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Who or what made a promotion record. */
public enum PromotionKind {
    /** The profile's policy, after the version's benchmarks completed (or timed out). */
    POLICY,
    /** A promoter chose the variant by hand. */
    MANUAL,
    /** A promoter went back to the previously serving variant. */
    ROLLBACK;

    /** The JSON spelling, lower case. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
