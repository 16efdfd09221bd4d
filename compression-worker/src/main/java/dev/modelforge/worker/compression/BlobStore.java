package dev.modelforge.worker.compression;

import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.onnx.ExternalData;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The worker's access to the shared bucket: downloads verified against the sha256 the registry recorded (hashed
 * while streaming, moved into place only when it matches), and content-addressed uploads ({@code sha256/<hex>},
 * skipped when the bytes are already stored).
 */
@ApplicationScoped
public class BlobStore {

    @Inject
    StorageSettings settings;

    private MinioClient client;

    @PostConstruct
    void init() {
        client = MinioClient.builder().endpoint(settings.endpoint()).region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey()).build();
    }

    /** Downloads {@code object} to {@code target}, failing if its sha256 or size is not the recorded one. */
    public void download(StoredObject object, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        MessageDigest sha = sha256();
        long size;
        try (InputStream in = new DigestInputStream(client.getObject(GetObjectArgs.builder()
                .bucket(settings.bucket()).object(object.storageKey()).build()), sha);
             OutputStream out = Files.newOutputStream(partial)) {
            size = in.transferTo(out);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("download of " + object.storageKey() + " failed: " + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(object.sha256()) || size != object.sizeBytes()) {
            Files.deleteIfExists(partial);
            throw new IOException("checksum mismatch for " + object.storageKey() + ": expected sha256 "
                    + object.sha256() + " (" + object.sizeBytes() + " bytes), got " + actual + " (" + size + " bytes)");
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Downloads a model directory into {@code dir}, each file verified by its sha256, and answers its
     * {@code model.onnx}. Paths are checked again here: none may leave {@code dir}.
     */
    public Path downloadDirectory(StoredObject object, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (ManifestFile f : object.files()) {
            Path target = ExternalData.resolve(dir, ExternalData.normalize(f.path()));
            Files.createDirectories(target.getParent());
            download(new StoredObject(f.storageKey(), f.sha256(), f.sizeBytes()), target);
        }
        Path model = dir.resolve(ManifestFile.MODEL_FILE);
        if (!Files.isRegularFile(model)) {
            throw new IOException("model directory " + object.sha256() + " has no " + ManifestFile.MODEL_FILE);
        }
        return model;
    }

    /**
     * Stores every regular file under {@code dir} content-addressed and answers the directory as the registry
     * registers it: the files by path (the registry writes the manifest).
     */
    public StoredObject uploadDirectory(Path dir) throws IOException {
        List<ManifestFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String path = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                StoredObject stored = uploadContentAddressed(p);
                files.add(new ManifestFile(path, stored.sha256(), stored.sizeBytes()));
            }
        }
        return new StoredObject(null, null, 0, files);
    }

    /** Stores {@code file} under its content address unless identical bytes are already there. */
    public StoredObject uploadContentAddressed(Path file) throws IOException {
        String hex = sha256Of(file);
        long size = Files.size(file);
        String key = "sha256/" + hex;
        try {
            if (!exists(key)) {
                client.uploadObject(UploadObjectArgs.builder().bucket(settings.bucket()).object(key)
                        .filename(file.toString()).contentType("application/vnd.onnx").build());
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("upload of " + key + " failed: " + e.getMessage(), e);
        }
        return new StoredObject(key, hex, size);
    }

    /** Whether an object exists (tests use it to check that identical bytes were stored once). */
    public boolean exists(String key) throws IOException {
        try {
            client.statObject(StatObjectArgs.builder().bucket(settings.bucket()).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code)) {
                return false;
            }
            throw new IOException("stat " + key + " failed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IOException("stat " + key + " failed: " + e.getMessage(), e);
        }
    }

    static String sha256Of(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
