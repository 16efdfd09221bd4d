package dev.modelforge.cli;

import dev.modelforge.api.version.ModelVersionDto;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge versions MODEL}: every version with its status and source. */
@Command(name = "versions", mixinStandardHelpOptions = true, description = "List a model's versions.")
final class VersionsCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Option(names = "--all", description = "Include archived versions.")
    boolean all;

    @Override
    public Integer call() {
        List<ModelVersionDto> versions = registry.client().listVersions(model, all);
        return print(versions, () -> {
            var table = new Output.Table("VERSION", "STATUS", "SIZE", "SHA256", "GIT SHA", "UPLOADED BY", "UPLOADED AT");
            for (ModelVersionDto v : versions) {
                table.row(v.version(), v.status().wireName(), Output.size(v.artifact().sizeBytes()),
                        v.artifact().sha256().substring(0, 12), v.source() == null ? null : v.source().gitSha(),
                        v.createdBy(), v.createdAt());
            }
            if (table.isEmpty()) {
                out().println(model + " has no versions yet");
            } else {
                table.print(out());
            }
        });
    }
}
