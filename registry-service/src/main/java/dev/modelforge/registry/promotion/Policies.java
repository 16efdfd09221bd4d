package dev.modelforge.registry.promotion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.promotion.PromotionPolicy;

import java.util.List;

/**
 * Reads the {@code policy} JSON of a device profile into a {@link PromotionPolicy}. Unknown fields are errors, so a
 * typo ({@code "maxSizeMB"}) is reported when the profile is saved instead of silently meaning "no limit".
 */
public final class Policies {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Policies() {
    }

    /** The policy, {@link PromotionPolicy#DEFAULT} when the profile has none; throws when it does not parse. */
    public static PromotionPolicy parse(JsonNode policy) {
        if (policy == null || policy.isNull() || policy.isMissingNode()) {
            return PromotionPolicy.DEFAULT;
        }
        try {
            PromotionPolicy p = STRICT.treeToValue(policy, PromotionPolicy.class);
            return p == null ? PromotionPolicy.DEFAULT : p;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(message(e), e);
        }
    }

    /** Every problem with the policy JSON, prefixed {@code policy}; empty when it is valid or absent. */
    public static List<String> problems(JsonNode policy) {
        if (policy != null && !policy.isNull() && !policy.isObject()) {
            return List.of(); // the profile validator already says "policy must be a JSON object"
        }
        try {
            return parse(policy).problems().stream().map(p -> "policy." + p).toList();
        } catch (IllegalArgumentException e) {
            return List.of("policy: " + e.getMessage());
        }
    }

    private static String message(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getCause() instanceof IllegalArgumentException) {
            t = t.getCause();
        }
        String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
