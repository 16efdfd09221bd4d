package dev.modelforge.worker.benchmark.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Object storage the registry keeps artifacts in; the shared {@code modelforge.storage.*} keys. */
@ConfigMapping(prefix = "modelforge.storage")
public interface StorageConfig {

    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("modelforge")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
