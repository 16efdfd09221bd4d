package dev.modelforge.cli;

import dev.modelforge.api.promotion.Promotion;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge history MODEL [--device P] [--at TIME]}: the promotion audit log. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "The promotion log of a model: who or what decided, when and why; --at answers what served then.")
final class HistoryCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Option(names = "--device", paramLabel = "PROFILE", description = "Only this device profile.")
    String device;

    @Option(names = "--at", paramLabel = "TIME",
            description = "What served on --device at this ISO-8601 instant, e.g. 2026-11-29T20:00:00Z.")
    String at;

    @Override
    public Integer call() {
        if (at != null) {
            if (device == null) {
                throw new IllegalArgumentException("--at needs --device (what served on which profile?)");
            }
            try {
                Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--at: '" + at + "' is not an ISO-8601 instant like 2026-11-29T20:00:00Z");
            }
        }
        List<Promotion> log = registry.client().promotions(model, device, at);
        return print(log, () -> {
            if (at != null && log.isEmpty()) {
                out().println("nothing served " + model + " on " + device + " at " + at);
                return;
            }
            if (at != null) {
                Promotion p = log.get(0);
                out().printf("at %s, %s on %s was served by variant %s (v%s, %s), in effect since %s: %s%n", at, model,
                        device, p.variantId(), p.version(), p.recipe(), p.effectiveAt(), p.reason());
                return;
            }
            var table = new Output.Table("DECIDED AT", "DEVICE", "KIND", "OUTCOME", "VERSION", "VARIANT", "RECIPE",
                    "ID", "BY", "REASON");
            for (Promotion p : log) {
                String outcome = p.outcome().json() + (p.approval() == null ? "" : " (" + p.approval().json() + ")");
                table.row(p.decidedAt(), p.device(), p.kind().json(), outcome, p.version(),
                        Output.shortId(p.variantId()), p.recipe(), p.id(), p.decidedBy(), p.reason());
            }
            if (table.isEmpty()) {
                out().println("no promotion decisions for " + model + (device == null ? "" : " on " + device) + " yet");
            } else {
                table.print(out());
            }
        });
    }
}
