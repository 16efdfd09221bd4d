package dev.modelforge.cli;

import dev.modelforge.api.variant.Variant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code modelforge variants MODEL VERSION}: what compression made of a version. */
@Command(name = "variants", mixinStandardHelpOptions = true,
        description = "List a version's variants (the baseline included) and the profiles each serves.")
final class VariantsCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Parameters(index = "1", paramLabel = "VERSION")
    int version;

    @Override
    public Integer call() {
        List<Variant> variants = registry.client().listVariants(model, version);
        Long baseline = variants.stream().filter(v -> v.recipe().isBaseline()).map(Variant::sizeBytes).findFirst()
                .orElse(null);
        return print(variants, () -> {
            var table = new Output.Table("ID", "RECIPE", "SIZE", "SIZE vs BASE", "PROFILES", "SHA256");
            for (Variant v : variants) {
                table.row(v.id(), v.recipe().label(), Output.size(v.sizeBytes()),
                        baseline == null ? null : Output.ratio((double) v.sizeBytes() / baseline),
                        String.join(",", v.profiles()), v.sha256().substring(0, 12));
            }
            if (table.isEmpty()) {
                out().println(model + " v" + version + " has no variants yet (compression still running?)");
            } else {
                table.print(out());
            }
        });
    }
}
