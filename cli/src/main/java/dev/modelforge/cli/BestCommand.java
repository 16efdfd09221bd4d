package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.promotion.BestVariant;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
        if (downloaded != null) {
            out.printf("saved     %s (sha256 verified)%n", downloaded);
        } else {
            out.printf("download  ./modelforge best %s --device %s --download .%n", b.modelName(), b.device());
        }
    }

    /** Streams into a temp file in DIR while hashing; only a verified file is moved to its final name. */
    Path download(RegistryClient client, BestVariant best, Path dir) throws IOException {
        Files.createDirectories(dir);
        String label = best.recipe() == null ? "variant" : best.recipe().label();
        Path target = dir.resolve(best.modelName() + "-v" + best.version() + "-" + best.device() + "-" + label + ".onnx");
        Path temp = Files.createTempFile(dir, ".modelforge-download-", ".part");
        ProgressBar bar = noProgress ? null : new ProgressBar(err(), "downloading");
        boolean ok = false;
        try {
            MessageDigest digest = sha256();
            try (InputStream in = client.download(URI.create(best.downloadUrl()));
                 OutputStream fileOut = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                byte[] buffer = new byte[1 << 16];
                long done = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    fileOut.write(buffer, 0, n);
                    done += n;
                    if (bar != null) {
                        bar.onProgress(done, best.sizeBytes());
                    }
                }
            } finally {
                if (bar != null) {
                    bar.finish();
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(best.sha256())) {
                throw new ExitCodes.CliFailure(ExitCodes.CHECKSUM, "downloaded file's sha256 " + actual
                        + " does not match the registry's " + best.sha256() + "; nothing was saved, try again");
            }
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                // Temp files are private (0600); a model file is not a secret.
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            ok = true;
            return target;
        } finally {
            if (!ok) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
