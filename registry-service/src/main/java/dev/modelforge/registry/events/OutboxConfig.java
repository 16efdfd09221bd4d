package dev.modelforge.registry.events;

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
}
