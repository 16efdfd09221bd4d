package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.variant.Variant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modelforge variants MODEL VERSION [--download ID DIR]}: what compression made of a version, and any of those
 * files (promoted or not), verified against its sha256 before it appears under its final name.
 */
@Command(name = "variants", mixinStandardHelpOptions = true,
        description = "List a version's variants (the baseline included) and the profiles each serves; "
                + "--download ID DIR saves one of them (any variant, promoted or not), sha256-verified.")
final class VariantsCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Parameters(index = "1", paramLabel = "VERSION")
    int version;

    @Option(names = "--download", arity = "2", paramLabel = "ID DIR",
            description = "Download variant ID of this version into DIR (a sha256 mismatch leaves no file).")
    List<String> download;

    @Option(names = "--no-progress", description = "Do not draw the download progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        RegistryClient client = registry.client();
        List<Variant> variants = client.listVariants(model, version);
        if (download != null) {
            return download(client, variants, download.get(0), Path.of(download.get(1)));
        }
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

    private int download(RegistryClient client, List<Variant> variants, String id, Path dir) throws IOException {
        Variant v = variants.stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new ExitCodes.CliFailure(ExitCodes.NOT_FOUND, "no variant " + id + " in " + model
                        + " v" + version + "; list them with: modelforge variants " + model + " " + version));
        String label = v.recipe().label().replaceAll("[^A-Za-z0-9._-]+", "_");
        Path saved = VerifiedDownload.saveModel(client, client.variantArtifactUri(id), v.sha256(), v.sizeBytes(), dir,
                model + "-v" + version + "-" + label, path -> client.variantFileUri(id, path),
                noProgress ? null : err());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("variantId", id);
        body.put("sha256", v.sha256());
        body.put("downloadedTo", saved.toAbsolutePath().toString());
        return print(body, () -> out().printf("saved %s (%s, sha256 %s verified)%n", saved, v.recipe().label(),
                v.sha256()));
    }
}
