package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.benchmark.RebenchmarkResponse;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.version.VersionStatus;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.profile.ProfileProblems;
import dev.modelforge.registry.variant.VariantEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Re-queues benchmarks of a profile after its runtime changed: every variant serving the profile whose latest result
 * there was measured with another ONNX Runtime version (or that has none) gets a new job, unless one is already
 * queued or running, so calling it twice queues nothing the second time.
 */
@ApplicationScoped
public class Rebenchmark {

    @Inject
    DeviceProfileService profiles;

    @Inject
    BenchmarkJobs jobs;

    @Inject
    EntityManager em;

    @Transactional
    public RebenchmarkResponse requeue(String profileName, String runtimeVersion) {
        if (runtimeVersion == null || runtimeVersion.isBlank()) {
            throw ProblemException.invalidRequest("runtimeVersion is required, e.g. {\"runtimeVersion\": \"1.23.2\"}");
        }
        DeviceProfile profile = profiles.find(profileName).orElseThrow(() -> ProfileProblems.notFound(profileName));
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery("select v.id from variant v join model_version mv on mv.id = v.version_id "
                        + "where ?1 = any(v.profiles) and mv.status <> ?2 order by v.created_at, v.id", UUID.class)
                .setParameter(1, profileName).setParameter(2, VersionStatus.ARCHIVED.name()).getResultList();
        List<String> queued = new ArrayList<>();
        for (UUID id : ids) {
            boolean open = BenchmarkJobEntity.count("variant.id = ?1 and profile = ?2 and status in ?3", id, profileName,
                    List.of(dev.modelforge.api.job.JobStatus.QUEUED, dev.modelforge.api.job.JobStatus.RUNNING)) > 0;
            boolean current = BenchmarkResultEntity.latest(id, profileName)
                    .map(r -> Objects.equals(r.ortVersion, runtimeVersion)).orElse(false);
            if (!open && !current) {
                VariantEntity variant = VariantEntity.findById(id);
                queued.add(jobs.queue(variant, profile, BenchmarkJobView.REASON_REBENCHMARK).id.toString());
            }
        }
        return new RebenchmarkResponse(profileName, runtimeVersion, queued);
    }
}
