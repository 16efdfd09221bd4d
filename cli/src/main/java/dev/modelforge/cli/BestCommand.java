package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.promotion.BestVariant;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modelforge best MODEL --device P [--download DIR]}: the variant serving a device, and optionally the file,
 * verified against its sha256 before it appears under its final name.
 */
@Command(name = "best", mixinStandardHelpOptions = true,
        description = "Show (and optionally download) the variant promoted for a device profile or a described device.")
final class BestCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--device", paramLabel = "PROFILE", description = "Device profile name, e.g. arm64-mobile.")
        String device;

        @ArgGroup(exclusive = false)
        Description description;
    }

    /** A device described by its hardware; the registry picks the best-matching profile and says which. */
    static final class Description {
        @Option(names = "--arch", paramLabel = "ARCH", description = "x86_64 or arm64.")
        String arch;

        @Option(names = "--cores", paramLabel = "N", description = "CPU cores available to the model.")
        Integer cores;

        @Option(names = "--memory-mb", paramLabel = "MB", description = "Memory available to the model, MiB.")
        Integer memoryMb;

        @Option(names = "--isa", paramLabel = "FEATURES", description = "ISA features, comma-separated, e.g. neon,dotprod.")
        String isa;

        @Option(names = "--accelerator", paramLabel = "NAME", description = "e.g. cuda; omit for CPU only.")
        String accelerator;
    }

    @Option(names = "--download", paramLabel = "DIR",
            description = "Download the variant into DIR (verified against its sha256; a mismatch leaves no file).")
    Path downloadDir;

    @Option(names = "--no-progress", description = "Do not draw the download progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        RegistryClient client = registry.client();
        BestVariant best;
        if (target.device != null) {
            best = client.best(model, target.device);
        } else {
            Description d = target.description;
            var q = new LinkedHashMap<String, String>();
            q.put("arch", d.arch);
            q.put("cores", d.cores == null ? null : d.cores.toString());
            q.put("memoryMb", d.memoryMb == null ? null : d.memoryMb.toString());
            q.put("isa", d.isa);
            q.put("accelerator", d.accelerator);
            best = client.bestFor(model, q);
        }
        Path file = null;
        if (downloadDir != null) {
            file = download(client, best, downloadDir);
        }
        Path downloaded = file;
        var body = new LinkedHashMap<String, Object>();
        body.put("best", best);
        if (downloaded != null) {
            body.put("downloadedTo", downloaded.toAbsolutePath().toString());
        }
        return print(body, () -> text(best, downloaded));
    }

    private void text(BestVariant b, Path downloaded) {
        var out = out();
        if (b.resolvedProfile()) {
            out.printf("profile   %s (chosen from the description: %s)%n", b.device(), b.resolution());
        } else {
            out.printf("profile   %s%n", b.device());
        }
        out.printf("variant   %s  %s v%d  recipe %s%n", b.variantId(), b.modelName(), b.version(),
                b.recipe() == null ? "-" : b.recipe().label());
        out.printf("file      %s  sha256 %s%n", Output.size(b.sizeBytes()), b.sha256());
        var bench = b.benchmark();
        if (bench != null && bench.latency() != null) {
            out.printf("latency   p50 %s  p95 %s  (batch %d%s)%n", Output.millis(bench.latency().p50Millis()),
                    Output.millis(bench.latency().p95Millis()), bench.latency().batchSize(),
                    bench.emulated() ? ", emulated on this machine's CPU" : "");
        }
        if (bench != null) {
            Double acc = DeviceOutcome.accuracyPercent(bench.accuracy());
            if (acc != null) {
                out.printf("accuracy  %s%n", Output.percent(acc));
            }
        }
        var d = b.deltas();
        if (d != null) {
            out.printf("vs base   latency %s  size %s  accuracy %s%n", Output.ratio(d.latencyRatio()),
                    Output.ratio(d.sizeRatio()), Output.points(d.accuracyDeltaPoints()));
        }
        out.printf("promoted  %s by %s (promotion %s)%n", b.promotedAt(), b.promotedBy(), b.promotionId());
        if (b.fallback() != null) {
            out.printf("fallback  %s: %s%n", b.fallback(), b.fallbackReason());
        }
        if (downloaded != null) {
            out.printf("saved     %s (sha256 verified)%n", downloaded);
        } else {
            out.printf("download  ./modelforge best %s --device %s --download .%n", b.modelName(), b.device());
        }
    }

    Path download(RegistryClient client, BestVariant best, Path dir) throws IOException {
        String label = best.recipe() == null ? "variant" : best.recipe().label();
        return VerifiedDownload.saveModel(client, URI.create(best.downloadUrl()), best.sha256(), best.sizeBytes(),
                dir, best.modelName() + "-v" + best.version() + "-" + best.device() + "-" + label,
                path -> client.variantFileUri(best.variantId(), path), noProgress ? null : err());
    }
}
