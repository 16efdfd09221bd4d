package dev.modelforge.cli;

import dev.modelforge.api.promotion.PromoteRequest;
import dev.modelforge.api.promotion.Promotion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge promote MODEL --device P --variant ID --reason R} (role promoter). */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Serve a variant on a device profile now, by hand (needs role promoter); recorded with the reason.")
final class PromoteCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Option(names = "--device", required = true, paramLabel = "PROFILE")
    String device;

    @Option(names = "--variant", required = true, paramLabel = "ID", description = "See: modelforge variants MODEL VERSION")
    String variant;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;

    @Override
    public Integer call() {
        Promotion p = registry.client().promote(model, new PromoteRequest(device, variant, reason));
        return print(p, () -> PromotionText.print(out(), p));
    }
}
