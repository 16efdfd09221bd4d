package dev.modelforge.worker.benchmark.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Object storage the registry keeps artifacts in; the shared {@code modelforge.storage.*} keys. */
@ConfigMapping(prefix = "modelforge.storage")
public interface StorageConfig {

    /** S3 endpoint URL. */
    String endpoint();

    /** Access key. */
    String accessKey();

    /** Secret key. */
    String secretKey();

    /** Bucket holding every artifact. */
    @WithDefault("modelforge")
    String bucket();

    /** Region the client signs for. */
    @WithDefault("us-east-1")
    String region();
}
