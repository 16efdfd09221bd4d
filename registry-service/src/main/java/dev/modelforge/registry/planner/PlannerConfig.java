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

    /**
     * Kafka key of {@code modelforge.compression-jobs} records. {@code model} (the model id, as every other topic)
     * sends all jobs of one model to one partition, hence to one worker; {@code job} (the job id) spreads even a
     * single upload's jobs over every worker of the group.
     */
    @WithDefault("model")
    JobKey jobKey();

    /** What compression-job records are keyed by. */
    enum JobKey {
        /** The model id: jobs of a model stay on one partition. */
        MODEL,
        /** The job id: jobs spread over partitions. */
        JOB
    }
}
