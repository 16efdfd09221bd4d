package dev.modelforge.cli;

import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.ReviewRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge approve|reject PROMOTION_ID [--comment C]}: review a decision waiting for approval. */
abstract class ReviewCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "PROMOTION_ID", description = "From 'modelforge history MODEL'.")
    String id;

    @Option(names = "--comment", paramLabel = "TEXT", description = "For the audit log.")
    String comment;

    abstract boolean approve();

    @Override
    public Integer call() {
        Promotion p = registry.client().review(id, approve(), new ReviewRequest(comment));
        return print(p, () -> PromotionText.print(out(), p));
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a pending promotion: its variant serves from now on (needs role promoter).")
    static final class Approve extends ReviewCommand {
        @Override
        boolean approve() {
            return true;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject a pending promotion: nothing changes (needs role promoter).")
    static final class Reject extends ReviewCommand {
        @Override
        boolean approve() {
            return false;
        }
    }
}
