package dev.modelforge.worker.benchmark.job;

import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.onnx.ExternalData;
import dev.modelforge.onnx.InvalidOnnxException;
import dev.modelforge.worker.benchmark.measure.BenchmarkFailure;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;

/**
 * Downloads immutable artifacts, verifying the sha256 the registry recorded while streaming, and moves
 * the file into place only when it is complete and correct.
 *
 * <p>A missing object or a digest mismatch is the variant's problem (a failed result); anything else — the
 * endpoint unreachable, a 5xx, a connection cut mid-stream — is a storage hiccup worth retrying.
 */
public final class ArtifactStore {

    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchObject");

    private final MinioClient client;
    private final String bucket;

    /**
     * @param client S3 client
     * @param bucket bucket name
     */
    public ArtifactStore(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    /**
     * @param config storage configuration
     * @return a store over that endpoint
     */
    public static ArtifactStore of(StorageConfig config) {
        return new ArtifactStore(MinioClient.builder().endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey()).region(config.region()).build(), config.bucket());
    }

    /**
     * Fetches a model: a single file to {@code <name>.onnx} in {@code dir}, or a model directory (model.onnx plus
     * external data, each file verified) to the directory {@code <name>/}, whose model.onnx is answered; ONNX
     * Runtime then finds the external data beside it.
     *
     * @param object the model
     * @param dir    the job's scratch directory
     * @param name   base name, e.g. {@code variant}
     * @return the model file to load
     * @throws BenchmarkFailure as {@link #download}, and RUNTIME_ERROR for a directory path that would leave its
     *                          directory
     */
    public Path downloadModel(StoredObject object, Path dir, String name) {
        if (!object.isDirectory()) {
            return download(object, dir.resolve(name + ".onnx"));
        }
        Path root = dir.resolve(name);
        try {
            Files.createDirectories(root);
            for (ManifestFile f : object.files()) {
                Path target = ExternalData.resolve(root, ExternalData.normalize(f.path()));
                Files.createDirectories(target.getParent());
                download(new StoredObject(f.storageKey(), f.sha256(), f.sizeBytes()), target);
            }
        } catch (InvalidOnnxException e) {
            throw new BenchmarkFailure(FailureReason.RUNTIME_ERROR, "model directory: " + e.getMessage());
        } catch (IOException e) {
            throw new TransientFailure("cannot create " + root + ": " + e, e);
        }
        return root.resolve(ManifestFile.MODEL_FILE);
    }

    /**
     * @param object what to fetch
     * @param target where the verified file ends up
     * @return target
     * @throws BenchmarkFailure  CHECKSUM_MISMATCH when the bytes differ from the recorded digest, RUNTIME_ERROR
     *                           when the object does not exist
     * @throws TransientFailure  when storage cannot be read right now
     */
    public Path download(StoredObject object, Path target) {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(client.getObject(GetObjectArgs.builder().bucket(bucket)
                    .object(object.storageKey()).build()), sha);
                 OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equalsIgnoreCase(object.sha256())) {
                throw new BenchmarkFailure(FailureReason.CHECKSUM_MISMATCH, "artifact " + object.storageKey()
                        + " has sha256 " + actual + ", the registry recorded " + object.sha256());
            }
            return Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (BenchmarkFailure e) {
            throw e;
        } catch (ErrorResponseException e) {
            if (MISSING.contains(e.errorResponse().code())) {
                throw new BenchmarkFailure(FailureReason.RUNTIME_ERROR, "artifact " + object.storageKey()
                        + " does not exist in bucket " + bucket);
            }
            throw new TransientFailure("storage refused " + object.storageKey() + ": " + e.errorResponse().code()
                    + " " + e.getMessage(), e);
        } catch (Exception e) {
            throw new TransientFailure("cannot download " + object.storageKey() + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // temp file in the job's scratch dir, removed with it
            }
        }
    }
}
