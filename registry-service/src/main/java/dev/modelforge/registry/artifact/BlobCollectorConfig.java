package dev.modelforge.registry.artifact;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The blob collector ({@link BlobCollector}). */
@ConfigMapping(prefix = "modelforge.storage.collector")
public interface BlobCollectorConfig {
    /** How often one replica looks for garbage. */
    @WithDefault("15m")
    Duration interval();

    /**
     * Only objects (and upload claims) older than this are collected: longer than any upload or worker takes
     * between writing an object and registering it.
     */
    @WithDefault("24h")
    Duration gracePeriod();

    /** Objects looked at per run and prefix; the next run continues with what is left. */
    @WithDefault("10000")
    int maxPerRun();
}
