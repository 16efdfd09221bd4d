package dev.modelforge.registry.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Request body limits per kind of route (see {@link BodyLimitFilter}). */
@ConfigMapping(prefix = "modelforge.http")
public interface BodyLimitsConfig {
    /**
     * Largest body of every route that is not an upload (JSON and form routes). The largest legitimate one,
     * a device profile with its recipes, is a few KB.
     */
    @WithDefault("1M")
    MemorySize maxJsonBodySize();
}
