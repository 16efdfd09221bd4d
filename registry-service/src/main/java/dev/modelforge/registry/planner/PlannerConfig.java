package dev.modelforge.registry.planner;

import dev.modelforge.api.version.VersionStatus;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the compression planner ({@code modelforge.planner.*}). */
@ConfigMapping(prefix = "modelforge.planner")
public interface PlannerConfig {

    /**
     * Status a version takes once none of its jobs is pending and at least one succeeded. {@code benchmarking}
     * when benchmark workers measure variants next (the pipeline of DESIGN.md); {@code ready} for a registry that
     * only compresses.
     */
    @WithDefault("benchmarking")
    VersionStatus statusAfterCompression();
}
