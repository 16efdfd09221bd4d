package dev.modelforge.registry.version;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Upload limits. */
@ConfigMapping(prefix = "modelforge.upload")
public interface UploadConfig {
    /** Largest model file accepted; larger uploads get a 413 problem (and are never stored). */
    @WithDefault("16G")
    MemorySize maxSize();

    /** Largest evaluation or calibration dataset; they are parsed from local temp files. */
    @WithDefault("2G")
    MemorySize maxDatasetSize();
}
