package dev.modelforge.registry.storage;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Object storage (any S3 API: MinIO, s3proxy, AWS). */
@ConfigMapping(prefix = "modelforge.storage")
public interface StorageConfig {
    /** Endpoint the registry itself talks to. */
    String endpoint();

    /**
     * Endpoint clients reach the storage at, used to sign download URLs. Differs from {@link #endpoint()}
     * when the registry talks to S3 over an internal name (e.g. {@code http://minio:9000} in compose).
     */
    Optional<String> publicEndpoint();

    String accessKey();

    String secretKey();

    @WithDefault("modelforge")
    String bucket();

    @WithDefault("us-east-1")
    String region();

    /**
     * Part size of streamed uploads. The S3 client buffers one part per upload, so this bounds the heap
     * an upload costs; S3 allows 10,000 parts, so 16 MiB parts cap a single object at ~156 GiB.
     */
    @WithDefault("16M")
    MemorySize partSize();

    /** Lifetime of presigned download URLs. */
    @WithDefault("15m")
    Duration presignExpiry();

    /** How long opening a connection to the store may take before the request answers 503. */
    @WithDefault("5s")
    Duration connectTimeout();

    /**
     * How long one read from, or write to, the store may block before the request answers 503. Bounds a
     * stalled store for everything but a streamed upload, which {@link #stallTimeout()} bounds.
     */
    @WithDefault("30s")
    Duration requestTimeout();

    /** Readiness asks the store with this bound, so a stalled store turns readiness DOWN within it. */
    @WithDefault("2s")
    Duration probeTimeout();

    /**
     * A streamed upload whose write to the store has not moved for this long is aborted (503): the
     * client's own silence is bounded separately by {@code modelforge.upload.body-idle-timeout}.
     */
    @WithDefault("30s")
    Duration stallTimeout();
}
