package dev.modelforge.registry.ui;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The web console's settings ({@code modelforge.ui.*}). */
@ConfigMapping(prefix = "modelforge.ui")
public interface UiConfig {

    /** How long a sign-in lasts; the key is still re-checked on every request, so revocation is immediate. */
    @WithDefault("8h")
    Duration sessionTtl();

    /**
     * Mark the session cookie {@code Secure}. Off by default because the local stack serves plain HTTP on loopback;
     * turn it on behind TLS (deploy/ does).
     */
    @WithDefault("false")
    boolean secureCookie();

    /** How often the version page's live progress is recomputed when no registry event arrived (other replicas). */
    @WithDefault("2s")
    Duration progressTick();

    /**
     * How long the models list keeps what serves each (model, profile) ({@link ServedSummaries}). Changes made on
     * this replica show at once (its events drop the entries); this bounds how late another replica's do.
     */
    @WithDefault("5s")
    Duration summaryTtl();
}
