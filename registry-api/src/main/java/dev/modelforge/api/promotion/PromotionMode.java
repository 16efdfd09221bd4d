package dev.modelforge.api.promotion;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Whether the policy's choice takes effect at once or waits for a person with role {@code promoter}. */
public enum PromotionMode {
    /** The winner is promoted as soon as the decision is made. */
    AUTO,
    /** The decision is recorded as pending until approved or rejected. */
    APPROVAL;

    /** The JSON spelling, lower case. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON spelling, case-insensitively. */
    @JsonCreator
    public static PromotionMode parse(String value) {
        for (PromotionMode m : values()) {
            if (m.name().equalsIgnoreCase(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown promotion mode '" + value + "'; expected auto or approval");
    }
}
