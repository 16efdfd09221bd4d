package dev.modelforge.cli;

import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.RollbackRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge rollback MODEL --device P --reason R} (role promoter). */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Serve the previously promoted variant again on a device profile (needs role promoter).")
final class RollbackCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Option(names = "--device", required = true, paramLabel = "PROFILE")
    String device;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;

    @Override
    public Integer call() {
        Promotion p = registry.client().rollback(model, new RollbackRequest(device, reason));
        return print(p, () -> PromotionText.print(out(), p));
    }
}
