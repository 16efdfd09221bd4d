package dev.modelforge.registry.job;

import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.FailureKind;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.JobFailure;
import dev.modelforge.api.job.JobProgress;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.variant.VariantRegistration;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.planner.VersionStatusTracker;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.variant.VariantService;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The job state machine as workers drive it. Every call locks the job row, so two workers that got the same job
 * (a redelivery while the first is still alive) are serialised, and a finished job refuses further changes with
 * 409 {@code job-finished} — which is how a worker learns to drop a duplicate delivery.
 */
@ApplicationScoped
public class JobService {

    /** Result of a variant registration: the variant and whether this call created it. */
    public record Registration(Variant variant, boolean created) {
    }

    @Inject
    VariantService variants;

    @Inject
    VersionStatusTracker tracker;

    public CompressionJob get(String id) {
        return find(id).toApi();
    }

    public List<CompressionJob> listFor(ModelVersion version) {
        return CompressionJobEntity.listFor(version).stream().map(CompressionJobEntity::toApi).toList();
    }

    /** A worker starts (or restarts, after a crash or a retryable error) the job. */
    @Transactional
    public CompressionJob claim(String id, JobClaim claim) {
        CompressionJobEntity job = lock(id);
        requireOpen(job);
        Instant now = Instant.now();
        job.running(workerId(claim == null ? null : claim.workerId()), now);
        job.attempts++;
        job.progressPercent = 0;
        tracker.update(job.version);
        return job.toApi();
    }

    @Transactional
    public CompressionJob progress(String id, JobProgress progress) {
        if (progress == null || progress.progressPercent() < 0 || progress.progressPercent() > 100) {
            throw invalid("progressPercent must be between 0 and 100");
        }
        CompressionJobEntity job = lock(id);
        requireOpen(job);
        job.running(workerId(progress.workerId()), Instant.now());
        job.progressPercent = progress.progressPercent();
        return job.toApi();
    }

    /** Records a failure; refused and dead are final, retrying only records the error. */
    @Transactional
    public CompressionJob fail(String id, JobFailure failure) {
        if (failure == null || failure.kind() == null || failure.reason() == null || failure.reason().isBlank()) {
            throw invalid("a failure needs 'kind' (retrying, refused, dead) and a 'reason'");
        }
        CompressionJobEntity job = lock(id);
        JobStatus target = switch (failure.kind()) {
            case RETRYING -> JobStatus.RUNNING;
            case REFUSED -> JobStatus.FAILED;
            case DEAD -> JobStatus.DEAD;
        };
        if (job.status.isTerminal()) {
            if (job.status == target) {
                return job.toApi(); // the same report again (a retried HTTP call): nothing changes
            }
            throw finished(job);
        }
        Instant now = Instant.now();
        String worker = workerId(failure.workerId());
        if (failure.kind() == FailureKind.RETRYING) {
            job.running(worker, now);
            job.error = failure.reason();
        } else {
            job.workerId = worker;
            job.finished(target, failure.reason(), now);
        }
        tracker.update(job.version);
        return job.toApi();
    }

    /** Registers the job's result; a second registration of the same result answers the first variant. */
    @Transactional
    public Registration registerVariant(String id, VariantRegistration reg) {
        if (reg == null || reg.toolVersion() == null || reg.toolVersion().isBlank() || reg.artifact() == null) {
            throw invalid("a variant registration needs 'toolVersion' and 'artifact'");
        }
        CompressionJobEntity job = lock(id);
        if (job.status == JobStatus.SUCCEEDED && job.variantId != null) {
            VariantEntity existing = VariantEntity.findById(job.variantId);
            return new Registration(existing.toApi(), false);
        }
        requireOpen(job);
        VariantService.Registered registered = variants.register(job.version, job.recipe, reg.toolVersion(),
                reg.artifact(), reg.report(), job.profiles, job.id);
        job.progressPercent = 100;
        job.variantId = registered.variant().id;
        job.workerId = workerId(reg.workerId());
        job.finished(JobStatus.SUCCEEDED, null, Instant.now());
        tracker.update(job.version);
        return new Registration(registered.variant().toApi(), registered.created());
    }

    private static String workerId(String id) {
        return id == null || id.isBlank() ? "unknown" : id;
    }

    private static void requireOpen(CompressionJobEntity job) {
        if (job.status.isTerminal()) {
            throw finished(job);
        }
    }

    private static ProblemException finished(CompressionJobEntity job) {
        return new ProblemException(409, PipelineProblemTypes.JOB_FINISHED, "Job finished",
                "job " + job.id + " is already " + job.status.wireName() + "; drop this delivery");
    }

    private static CompressionJobEntity find(String id) {
        CompressionJobEntity job = CompressionJobEntity.findById(parse(id));
        if (job == null) {
            throw notFound(id);
        }
        return job;
    }

    private static CompressionJobEntity lock(String id) {
        CompressionJobEntity job = CompressionJobEntity.findById(parse(id), LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            throw notFound(id);
        }
        return job;
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(404, PipelineProblemTypes.JOB_NOT_FOUND, "Job not found",
                "no compression job with id '" + id + "'");
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(422, PipelineProblemTypes.JOB_REPORT_INVALID, "Invalid job report", detail);
    }
}
