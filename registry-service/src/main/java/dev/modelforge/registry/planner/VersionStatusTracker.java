package dev.modelforge.registry.planner;

import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.version.VersionStatus;
import dev.modelforge.registry.job.CompressionJobEntity;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * Derives a version's lifecycle status from its jobs: a job started and some pending → compressing; all finished and at least one
 * succeeded → {@link PlannerConfig#statusAfterCompression()}; all failed or dead → failed. Archived versions keep
 * their status.
 */
@ApplicationScoped
public class VersionStatusTracker {

    @Inject
    PlannerConfig config;

    @Transactional(Transactional.TxType.MANDATORY)
    public void update(ModelVersion version) {
        if (version.status == VersionStatus.ARCHIVED) {
            return;
        }
        List<CompressionJobEntity> jobs = CompressionJobEntity.listFor(version);
        VersionStatus next;
        if (jobs.stream().anyMatch(j -> !j.status.isTerminal())) {
            // Planned but untouched jobs leave the status alone: "compressing" means a worker is at it.
            boolean started = jobs.stream().anyMatch(j -> j.status != JobStatus.QUEUED);
            next = started ? VersionStatus.COMPRESSING : version.status;
        } else if (jobs.isEmpty() || jobs.stream().anyMatch(j -> j.status == JobStatus.SUCCEEDED)) {
            next = version.status == VersionStatus.READY ? VersionStatus.READY : config.statusAfterCompression();
        } else {
            next = VersionStatus.FAILED;
        }
        version.status = next;
    }
}
