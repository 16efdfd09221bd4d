package dev.modelforge.worker.compression;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The shared bucket ({@code modelforge.storage.*}, the same keys every service uses). */
@ConfigMapping(prefix = "modelforge.storage")
public interface StorageSettings {
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("modelforge")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
