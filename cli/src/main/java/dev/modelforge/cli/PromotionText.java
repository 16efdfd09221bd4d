package dev.modelforge.cli;

import dev.modelforge.api.promotion.Promotion;
import java.io.PrintWriter;

/** One promotion record for people, as promote, rollback, approve and reject print it. */
final class PromotionText {
    private PromotionText() {
    }

    static void print(PrintWriter out, Promotion p) {
        out.printf("%s %s on %s: %s%s%n", p.kind().json(), p.modelName(), p.device(), p.outcome().json(),
                p.approval() == null ? "" : " (" + p.approval().json() + ")");
        if (p.variantId() != null) {
            out.printf("  variant  %s (v%s, %s)%n", p.variantId(), p.version(), p.recipe());
        }
        if (p.previousVariantId() != null) {
            out.printf("  before   %s%n", p.previousVariantId());
        }
        out.printf("  reason   %s%n", p.reason());
        out.printf("  by       %s at %s%n", p.decidedBy(), p.decidedAt());
        if (p.reviewedBy() != null) {
            out.printf("  review   %s at %s%s%n", p.reviewedBy(), p.reviewedAt(),
                    p.reviewComment() == null ? "" : ": " + p.reviewComment());
        }
        out.printf("  id       %s%n", p.id());
    }
}
