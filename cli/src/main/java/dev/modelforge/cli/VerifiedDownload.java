package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.api.version.ModelManifest;
import dev.modelforge.onnx.ExternalData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A download streamed into a temp file while hashing; only a file whose sha256 matches appears under its name. */
final class VerifiedDownload {
    private VerifiedDownload() {
    }

    /**
     * @param progress where to draw a progress bar, or null for none
     * @return the saved file
     */
    static Path save(RegistryClient client, URI url, String sha256, long sizeBytes, Path dir, String fileName,
                     PrintWriter progress) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--download " + dir + " is a file; give a directory to save into");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("--download: cannot create the directory " + dir + " ("
                    + e.getMessage() + ")");
        }
        // The name is built from what the registry answered: never let it leave dir.
        Path target = dir.resolve(safeName(fileName));
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("--download: " + target + " is a directory; move it away or choose"
                    + " another directory");
        }
        Path temp;
        try {
            temp = Files.createTempFile(dir, ".modelforge-download-", ".part");
        } catch (IOException e) {
            throw new IllegalArgumentException("--download: cannot write into " + dir + " (" + e.getMessage() + ")");
        }
        ProgressBar bar = progress == null ? null : new ProgressBar(progress, "downloading");
        boolean ok = false;
        try {
            MessageDigest digest = sha256();
            long done = 0;
            try (InputStream in = client.download(url);
                 OutputStream fileOut = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = read(in, buffer, done, sizeBytes)) > 0; ) {
                    fileOut.write(buffer, 0, n);
                    done += n;
                    if (bar != null) {
                        bar.onProgress(done, sizeBytes);
                    }
                }
            } finally {
                if (bar != null) {
                    bar.finish();
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new ExitCodes.CliFailure(ExitCodes.CHECKSUM, "downloaded file's sha256 " + actual
                        + " does not match the registry's " + sha256 + "; nothing was saved, try again");
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

    /** One read of the download; a connection that dies is the network's failure (10), not the file system's. */
    private static int read(InputStream in, byte[] buffer, long done, long size) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new ExitCodes.CliFailure(ExitCodes.UNREACHABLE, "the download broke off after " + done + " of "
                    + size + " bytes (" + (e.getMessage() == null ? "connection closed" : e.getMessage())
                    + "); nothing was saved, try again");
        }
    }

    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._+=-]+", "_");
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }

    /**
     * Saves a model: a single file as {@code <baseName>.onnx}; a model directory (the artifact is then its manifest)
     * as the directory {@code <baseName>/} holding model.onnx and its external-data files, each verified against
     * its sha256. The manifest is verified like any download before its list is trusted.
     *
     * @param fileUri where the registry serves one file of the directory, by path
     * @return the saved file or directory
     */
    static Path saveModel(RegistryClient client, URI url, String sha256, long sizeBytes, Path dir, String baseName,
                          java.util.function.Function<String, URI> fileUri, PrintWriter progress) throws IOException {
        Path saved = save(client, url, sha256, sizeBytes, dir, baseName + ".onnx", progress);
        ModelManifest manifest = manifest(saved);
        if (manifest == null) {
            return saved;
        }
        Path root = dir.resolve(baseName);
        try {
            for (ManifestFile f : manifest.files()) {
                String path = ExternalData.normalize(f.path()); // a manifest naming '../x' must not write there
                Path target = ExternalData.resolve(root, path);
                save(client, fileUri.apply(path), f.sha256(), f.sizeBytes(), target.getParent(),
                        target.getFileName().toString(), progress);
            }
        } catch (dev.modelforge.onnx.InvalidOnnxException e) {
            throw new ExitCodes.CliFailure(ExitCodes.CHECKSUM, "the registry's manifest lists an unsafe path: "
                    + e.getMessage());
        } finally {
            Files.deleteIfExists(saved);
        }
        return root;
    }

    /** The manifest if {@code file} is one (an ONNX protobuf never starts with '{'), else null. */
    private static ModelManifest manifest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            if (in.read() != '{') {
                return null;
            }
        }
        ModelManifest m = RegistryClient.objectMapper().readValue(file.toFile(), ModelManifest.class);
        return ModelManifest.FORMAT.equals(m.format()) && m.files() != null ? m : null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
