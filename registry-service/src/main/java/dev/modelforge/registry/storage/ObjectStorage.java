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
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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

    /** Copy buffer of one streamed PUT: big enough that a 1 GiB upload is ~1000 socket writes. */
    private static final int COPY_BUFFER_BYTES = 1 << 20;

    private MinioClient client;
    /** Signs URLs for the host clients use; the region is fixed so signing never calls that host. */
    private MinioClient publicClient;
    /** Readiness' client: same store, a short bound, so a stalled store reads as DOWN instead of hanging. */
    private MinioClient probeClient;
    /** Aborts streamed PUTs whose writes stopped moving (a stalled store blocks a socket write for ever). */
    private final ScheduledExecutorService stallWatch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "storage-stall-watch");
        t.setDaemon(true);
        return t;
    });

    @PostConstruct
    void init() {
        client = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
                .credentials(config.accessKey(), config.secretKey()).build();
        long io = config.requestTimeout().toMillis();
        client.setTimeout(config.connectTimeout().toMillis(), io, io);
        probeClient = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
                .credentials(config.accessKey(), config.secretKey()).build();
        long probe = config.probeTimeout().toMillis();
        probeClient.setTimeout(probe, probe, probe);
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

    /** @return true if the bucket answers within {@link StorageConfig#probeTimeout()} */
    public boolean bucketReachable() {
        return call(() -> probeClient.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build()));
    }

    @PreDestroy
    void stop() {
        stallWatch.shutdownNow();
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
        presignedPut(key, in, length, contentType, false);
    }

    /**
     * Like {@link #putStream(String, InputStream, long, String)} but conditional ({@code If-None-Match: *}): the
     * store refuses to replace an existing object. Needs a known length of at most 5 GiB.
     *
     * @return true if this call created the object, false if the store answered 412 (the key exists)
     */
    public boolean putStreamIfAbsent(String key, InputStream in, long length, String contentType) {
        if (length < 0 || length > MAX_SINGLE_PUT_BYTES) {
            throw new IllegalArgumentException("conditional PUT needs a known length up to 5 GiB, got " + length);
        }
        return presignedPut(key, in, length, contentType, true);
    }

    /** @return whether a conditional PUT is possible for a body of this length */
    public static boolean singlePutPossible(long length) {
        return length >= 0 && length <= MAX_SINGLE_PUT_BYTES;
    }

    /**
     * One blocking PUT written straight to the socket from a single reused buffer: unlike
     * {@code java.net.http}'s InputStream publisher it allocates nothing per chunk, so a multi-GB upload
     * leaves almost no garbage behind. A body that ends early or runs long aborts the connection, so the
     * store never keeps a partial object.
     */
    private boolean presignedPut(String key, InputStream in, long length, String contentType, boolean ifAbsent) {
        String url = call(() -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.PUT)
                .bucket(config.bucket()).object(key).expiry(3600).build()));
        HttpURLConnection c = null;
        StallGuard guard = null;
        ScheduledFuture<?> watch = null;
        try {
            // The first bytes before the connection: a client that never sends its body (silent, gone) never
            // opens a PUT, so there is nothing to abort (s3proxy keeps the temp file of an aborted PUT).
            byte[] buffer = new byte[COPY_BUFFER_BYTES];
            int first = in.read(buffer);
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setRequestMethod("PUT");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(length);
            c.setConnectTimeout((int) config.connectTimeout().toMillis());
            c.setReadTimeout((int) config.requestTimeout().toMillis());
            c.setRequestProperty("Content-Type", contentType);
            if (ifAbsent) {
                c.setRequestProperty("If-None-Match", "*");
            }
            guard = new StallGuard(c, config.stallTimeout());
            watch = stallWatch.scheduleWithFixedDelay(guard::check, 1, 1, TimeUnit.SECONDS);
            try (OutputStream out = c.getOutputStream()) {
                long sent = 0;
                for (int n = first; n > 0; n = in.read(buffer)) {
                    if (sent + n > length) {
                        throw new IOException("the body is longer than its declared " + length + " bytes");
                    }
                    guard.writing();
                    out.write(buffer, 0, n);
                    guard.idle();
                    sent += n;
                }
                if (sent != length) {
                    throw new IOException("the body ended after " + sent + " of its declared " + length + " bytes");
                }
                guard.writing(); // flushing the last bytes and closing can block on a stalled store too
            }
            guard.idle(); // the answer is bounded by the read timeout
            int status = c.getResponseCode();
            String answer = readQuietly(status < 400 ? c.getInputStream() : c.getErrorStream());
            if (ifAbsent && status == 412) {
                return false;
            }
            if (status != 200) {
                throw new StorageException("upload of " + key + " answered " + status + ": " + answer, null);
            }
            return true;
        } catch (IOException e) {
            disconnect(c);
            String why = guard != null && guard.fired()
                    ? "the store accepted no bytes for " + config.stallTimeout().toSeconds() + " s" : e.getMessage();
            throw new StorageException("upload of " + key + " failed: " + why, e);
        } catch (RuntimeException e) {
            disconnect(c); // never reuse a connection whose body was cut short
            throw e;
        } finally {
            if (watch != null) {
                watch.cancel(false);
            }
        }
    }

    private static String readQuietly(InputStream in) {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void disconnect(HttpURLConnection c) {
        if (c != null) {
            c.disconnect();
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

    /** @return the size of the object at {@code key} (an S3 HEAD), or empty if there is none */
    public java.util.Optional<Long> sizeOf(String key) {
        try {
            return java.util.Optional.of(client.statObject(StatObjectArgs.builder().bucket(config.bucket())
                    .object(key).build()).size());
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchObject".equals(e.errorResponse().code())) {
                return java.util.Optional.empty();
            }
            throw new StorageException("stat " + key + " failed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StorageException("stat " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** Reads the object at {@code key} back and answers its SHA-256 (hex), streaming: nothing is held in memory. */
    public String sha256Of(String key) {
        return call(() -> {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            try (InputStream in = new java.security.DigestInputStream(open(key), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        });
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

    /** One listed object. */
    public record Listed(String key, java.time.Instant lastModified) {
    }

    /** Objects under {@code prefix}, at most {@code max} of them, in key order. */
    public List<Listed> list(String prefix, int max) {
        return call(() -> {
            var out = new java.util.ArrayList<Listed>();
            for (var r : client.listObjects(io.minio.ListObjectsArgs.builder().bucket(config.bucket()).prefix(prefix)
                    .recursive(true).build())) {
                var item = r.get();
                out.add(new Listed(item.objectName(), item.lastModified().toInstant()));
                if (out.size() >= max) {
                    break;
                }
            }
            return out;
        });
    }

    /** Deletes {@code key}; deleting a missing key is not an error. */
    public void remove(String key) {
        call(() -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
            return null;
        });
    }

    /**
     * Deletes {@code key} now or, if the store does not answer, keeps trying (while {@code stillUnwanted} says so) in the background (5 s, then
     * doubling up to 5 min, for about an hour): what a failed upload wrote during a storage outage is
     * removed once the store is back, not left for ever. Lost on restart, when the collector's sweep of
     * old {@code staging/} objects takes over.
     */
    public void removeEventually(String key, BooleanSupplier stillUnwanted) {
        removeEventually(key, stillUnwanted, 0);
    }

    private void removeEventually(String key, BooleanSupplier stillUnwanted, int attempt) {
        try {
            if (attempt > 0 && !stillUnwanted.getAsBoolean()) {
                return; // e.g. the same bytes were registered since: the object is somebody's now
            }
            remove(key);
        } catch (RuntimeException e) {
            if (attempt >= 20 || stallWatch.isShutdown()) {
                LOG.warnf("gave up removing %s after %d attempts: %s", key, attempt + 1, e.getMessage());
                return;
            }
            long delay = Math.min(300, 5L << Math.min(attempt, 6));
            LOG.infof("could not remove %s (%s); retrying in %d s", key, e.getMessage(), delay);
            stallWatch.schedule(() -> removeEventually(key, stillUnwanted, attempt + 1), delay, TimeUnit.SECONDS);
        }
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
