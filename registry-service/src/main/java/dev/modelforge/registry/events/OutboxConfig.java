package dev.modelforge.registry.events;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Outbox relay tuning. */
@ConfigMapping(prefix = "modelforge.outbox")
public interface OutboxConfig {
    /** How often the relay looks for unpublished events when nothing woke it. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Events per relay transaction. */
    @WithDefault("200")
    int batchSize();

    /** How long to wait for the broker to acknowledge one batch before retrying it later. */
    @WithDefault("30s")
    Duration sendTimeout();

    /**
     * Largest event payload a change may record. Below the producer's {@code max.request.size} (1 MiB by
     * default) with room for headers, so an event that commits is one the broker accepts.
     */
    @WithDefault("900K")
    MemorySize maxPayloadSize();
}
