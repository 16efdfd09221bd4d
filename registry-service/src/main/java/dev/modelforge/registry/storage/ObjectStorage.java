package dev.modelforge.registry.storage;

import io.minio.BucketExistsArgs;
import io.minio.ComposeObjectArgs;
import io.minio.ComposeSource;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The registry's view of the bucket, over the MinIO client (works with any S3 API). All methods throw
 * {@link StorageException} so callers need not know the client's checked exceptions.
 */
@ApplicationScoped
@Startup
public class ObjectStorage {
    private static final Logger LOG = Logger.getLogger(ObjectStorage.class);

    @Inject
    StorageConfig config;

    /** S3's limit for one PUT. */
    static final long MAX_SINGLE_PUT_BYTES = 5L << 30;

    /** HTTP/1.1: large bodies over h2c would be throttled by HTTP/2 flow control. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private MinioClient client;
    /** Signs URLs for the host clients use; the region is fixed so signing never calls that host. */
    private MinioClient publicClient;

    @PostConstruct
    void init() {
        client = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
                .credentials(config.accessKey(), config.secretKey()).build();
        publicClient = MinioClient.builder().endpoint(config.publicEndpoint().orElse(config.endpoint()))
                .region(config.region()).credentials(config.accessKey(), config.secretKey()).build();
        try {
            ensureBucket();
        } catch (StorageException e) {
            // Readiness reports it; the registry must still start so /q/health can say why.
            LOG.warnf("bucket %s not ready at startup: %s", config.bucket(), e.getMessage());
        }
    }

    /** Creates the bucket if it is missing. */
    public void ensureBucket() {
        call(() -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).region(config.region()).build());
            }
            return null;
        });
    }

    /** @return true if the bucket answers */
    public boolean bucketReachable() {
        return call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build()));
    }

    /**
     * Streams {@code in} of known {@code length} to {@code key} as one presigned PUT with an unsigned payload,
     * exactly as a client would upload to S3: no part buffering and no per-part payload hashing, which makes
     * it several times faster than the SDK's multipart path. Falls back to {@link #putStream(String,
     * InputStream, String)} for unknown lengths and above S3's 5 GiB single-PUT limit.
     */
    public void putStream(String key, InputStream in, long length, String contentType) {
        if (length < 0 || length > MAX_SINGLE_PUT_BYTES) {
            putStream(key, in, contentType);
            return;
        }
        String url = call(() -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.PUT)
                .bucket(config.bucket()).object(key).expiry(3600).build()));
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> in),
                            length)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StorageException("upload of " + key + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("upload of " + key + " interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new StorageException("upload of " + key + " answered " + response.statusCode() + ": "
                    + response.body(), null);
        }
    }

    /**
     * Streams {@code in} to {@code key} without knowing its length: the client sends it as a multipart
     * upload of {@link StorageConfig#partSize()} parts, holding one part in memory at a time.
     */
    public void putStream(String key, InputStream in, String contentType) {
        call(() -> client.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key)
                .stream(in, -1, config.partSize().asLongValue()).contentType(contentType).build()));
    }

    /** @return true if {@code key} exists */
    public boolean exists(String key) {
        try {
            client.statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchObject".equals(e.errorResponse().code())) {
                return false;
            }
            throw new StorageException("stat " + key + " failed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StorageException("stat " + key + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Server-side copy (compose does a multipart copy above S3's 5 GiB single-copy limit); no bytes
     * pass through the registry.
     */
    public void copy(String fromKey, String toKey) {
        call(() -> client.composeObject(ComposeObjectArgs.builder().bucket(config.bucket()).object(toKey)
                .sources(List.of(ComposeSource.builder().bucket(config.bucket()).object(fromKey).build()))
                .build()));
    }

    /** Deletes {@code key}; deleting a missing key is not an error. */
    public void remove(String key) {
        call(() -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
            return null;
        });
    }

    /** Opens {@code key} for reading; the caller closes the stream. */
    public InputStream open(String key) {
        return call(() -> client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build()));
    }

    /** @return a presigned GET URL for {@code key}, valid for {@link StorageConfig#presignExpiry()} */
    public String presignedGet(String key, String downloadName) {
        return call(() -> publicClient.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET).bucket(config.bucket()).object(key)
                .expiry((int) config.presignExpiry().toSeconds())
                .extraQueryParams(java.util.Map.of("response-content-disposition",
                        "attachment; filename=\"" + downloadName + "\""))
                .build()));
    }

    private <T> T call(StorageCall<T> call) {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("object storage: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface StorageCall<T> {
        T run() throws Exception;
    }

    /** Object storage failed or is unreachable. */
    public static class StorageException extends RuntimeException {
        StorageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
