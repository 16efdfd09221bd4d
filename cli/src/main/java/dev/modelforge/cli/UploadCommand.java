package dev.modelforge.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.UploadRequest;
import dev.modelforge.api.client.UploadResult;
import dev.modelforge.api.model.ModelNames;
import dev.modelforge.api.version.SourceMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The upload hook a training pipeline ends with. Idempotent by default: the retry key is the file's
 * SHA-256, so re-running a failed or timed-out hook returns the version the first run created.
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Upload an ONNX model as a new version (creating the model if needed).")
public final class UploadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registry;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Model name, e.g. fraud-detector.")
    String model;

    @Parameters(index = "0", paramLabel = "FILE.onnx|DIR", description = "The ONNX model file, or a model directory"
            + " (model.onnx plus its external-data files, for models past protobuf's 2 GB limit), sent as one tar"
            + " stream.")
    Path file;

    @Option(names = "--eval", paramLabel = "FILE", description = "Evaluation data: .npz or ONNX test-data .zip.")
    Path eval;

    @Option(names = "--calibration", paramLabel = "FILE", description = "Calibration data: .npz or ONNX test-data .zip.")
    Path calibration;

    @Option(names = "--git-sha", paramLabel = "SHA", description = "Commit the model was trained from.")
    String gitSha;

    @Option(names = "--pipeline-url", paramLabel = "URL", description = "URL of the pipeline run.")
    String pipelineUrl;

    @Option(names = "--framework", paramLabel = "NAME", description = "Training framework, e.g. 'pytorch 2.5'.")
    String framework;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Free-form label; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "Retry key; default: the file's SHA-256, so a retried hook never makes a second version.")
    String idempotencyKey;

    @Option(names = "--allow-signature-change", description = "The version intentionally changes the model's inputs or"
            + " outputs (else the registry refuses it: signature-changed); it then replaces a champion of the old"
            + " signature only with a promoter's approval.")
    boolean allowSignatureChange;

    @Option(names = "--json", description = "Print the version as JSON instead of a summary.")
    boolean json;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    @Option(names = "--wait", description = "Then follow the version through compression, benchmarking and promotion;"
            + " exit 0 with a per-device table when every device has a decision, non-zero when one got nothing"
            + " eligible (7) or on timeout (8).")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = "How long --wait waits, e.g. 90s, 30m, 1h (default: ${DEFAULT-VALUE}).")
    java.time.Duration timeout;

    @Option(names = "--device", paramLabel = "PROFILE", split = ",",
            description = "With --wait: the device profiles to wait for (default: every active profile).")
    java.util.List<String> devices;

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        var out = spec.commandLine().getOut();
        if (!ModelNames.isValid(model)) {
            throw new IllegalArgumentException("--model: " + ModelNames.explain(model));
        }
        boolean directory = Files.isDirectory(file);
        if (directory && !DirectoryTar.isModelDirectory(file)) {
            throw new IllegalArgumentException(file + " is a directory without model.onnx at its top; a model directory"
                    + " is model.onnx plus the external-data files its tensors name");
        }
        if (!directory) {
            requireReadable("FILE.onnx", file);
        }
        requireReadable("--eval", eval);
        requireReadable("--calibration", calibration);
        RegistryClient client = registry.client();
        preflight(client);

        String key = idempotencyKey;
        String sha = null;
        java.util.List<DirectoryTar.Entry> entries = directory ? DirectoryTar.entries(file) : null;
        if (key == null && directory) {
            key = "sha256-dir:" + directoryDigest(entries);
        } else if (key == null) {
            sha = sha256(file, noProgress ? null : new ProgressBar(err, "hashing  "));
            key = "sha256:" + sha;
        }
        // The digest we computed anyway is declared (Repr-Digest), so the registry stores the bytes at their
        // content address in one pass instead of staging and copying them; it still verifies every byte.
        var request = new UploadRequest(model, file, eval, calibration,
                new SourceMetadata(gitSha, pipelineUrl, framework, labels.isEmpty() ? null : labels), key, sha,
                allowSignatureChange);
        ProgressBar bar = noProgress ? null : new ProgressBar(err, "uploading");
        UploadResult result;
        try {
            var progress = bar == null ? dev.modelforge.api.client.UploadProgress.NONE : bar;
            result = directory ? client.uploadDirectory(request, DirectoryTar.stream(file, entries), progress)
                    : client.upload(request, progress);
        } finally {
            if (bar != null) {
                bar.finish();
            }
        }
        var v = result.version();
        if (wait) {
            return follow(result, client, out, err);
        }
        if (json) {
            var body = new LinkedHashMap<String, Object>();
            body.put("created", result.created());
            body.put("version", v);
            out.println(RegistryClient.objectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(body));
        } else {
            out.printf("%s %s version %d%n", result.created() ? "created" : "already uploaded:", v.modelName(), v.version());
            out.printf("sha256 %s%n", v.artifact().sha256());
            if (v.artifact().isDirectory()) {
                out.printf("files  %d (%d bytes)%n", v.artifact().files().size(), v.artifact().files().stream()
                        .mapToLong(dev.modelforge.api.version.ManifestFile::sizeBytes).sum());
            } else {
                out.printf("size   %d bytes%n", v.artifact().sizeBytes());
            }
        }
        out.flush();
        return 0;
    }

    private int follow(UploadResult upload, RegistryClient client, java.io.PrintWriter out, java.io.PrintWriter err)
            throws InterruptedException {
        var v = upload.version();
        var follower = new VersionFollower(client, err, !noProgress, System.console() != null);
        var followed = follower.devices(devices);
        if (!json) {
            out.printf("%s %s version %d (sha256 %s); following it on %s%n", upload.created() ? "created"
                    : "already uploaded:", v.modelName(), v.version(), v.artifact().sha256(), String.join(", ", followed));
            out.flush();
        }
        VersionFollower.Result result = follower.follow(v.modelName(), v.version(), followed, timeout);
        var uploaded = new LinkedHashMap<String, Object>();
        uploaded.put("created", upload.created());
        uploaded.put("version", v);
        return DeviceTable.report(out, err, json, uploaded, result);
    }

    /**
     * One cheap call before hashing and streaming what may be gigabytes: a wrong URL, a server that never answers
     * (the upload itself is exempt from --request-timeout) or a wrong key is named at once. Anything else (a new
     * model's 404, a 403 on reading it) is left for the upload to answer.
     */
    private void preflight(RegistryClient client) {
        try {
            client.getModel(model);
        } catch (dev.modelforge.api.client.NotARegistryException e) {
            throw e;
        } catch (dev.modelforge.api.client.RegistryClientException e) {
            if (e.status() == 0 || e.status() == 401) {
                throw e;
            }
        }
    }

    /** Checks a file the upload will send, so a mistake is named before anything reaches the registry. */
    static void requireReadable(String what, Path p) {
        if (p == null) {
            return;
        }
        if (Files.isDirectory(p)) {
            // Models with external data live in a directory; the registry takes single files only (so far).
            throw new IllegalArgumentException(what + ": " + p + " is a directory; upload takes one file"
                    + ("FILE.onnx".equals(what) ? " (a model whose weights are in external-data files cannot be"
                    + " uploaded yet: save it as one .onnx file)" : " (.npz or an ONNX test-data .zip)"));
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(what + ": " + p + " does not exist or is not a file");
        }
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(what + ": " + p + " is not readable (check its permissions)");
        }
        try {
            if (Files.size(p) == 0) {
                throw new IllegalArgumentException(what + ": " + p + " is empty (0 bytes); was it written completely?");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read " + p + ": " + e.getMessage());
        }
    }

    /**
     * The default retry key of a directory: SHA-256 over each file's path, SHA-256 and size, so a retried hook
     * finds the version the first run created, and any changed file makes a new one.
     */
    private String directoryDigest(java.util.List<DirectoryTar.Entry> entries) throws IOException {
        StringBuilder listing = new StringBuilder();
        for (DirectoryTar.Entry e : entries) {
            String sha = sha256(e.file(), noProgress ? null : new ProgressBar(spec.commandLine().getErr(),
                    "hashing  "));
            listing.append(e.path()).append(' ').append(sha).append(' ').append(e.size()).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(listing.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Streams the file once through SHA-256; never holds more than a buffer. */
    static String sha256(Path file, ProgressBar progress) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long total = Files.size(file);
        byte[] buffer = new byte[1 << 16];
        long done = 0;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                done += n;
                if (progress != null) {
                    progress.onProgress(done, total);
                }
            }
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
