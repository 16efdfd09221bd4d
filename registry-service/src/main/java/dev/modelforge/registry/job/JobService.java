package dev.modelforge.registry.job;

import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.DeadLetterReplay;
import dev.modelforge.api.job.FailureKind;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.JobFailure;
import dev.modelforge.api.job.JobProgress;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.variant.VariantRegistration;
import dev.modelforge.registry.artifact.ArtifactStore;
import dev.modelforge.registry.artifact.Manifests;
import dev.modelforge.registry.artifact.StoredBlob;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.planner.Planner;
import dev.modelforge.registry.planner.VersionStatusTracker;
import dev.modelforge.registry.variant.ArtifactVerifier;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.variant.VariantService;
import dev.modelforge.registry.version.ModelVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The job state machine as workers drive it. Every call locks the job row, so two workers that got the same job
 * (a redelivery while the first is still alive) are serialised, and a finished job refuses further changes with
 * 409 {@code job-finished} — which is how a worker learns to drop a duplicate delivery. Who may report is decided
 * by {@link JobLeases}: the claim grants a lease, every later report must come from its holder.
 */
@ApplicationScoped
public class JobService {

    /** Result of a variant registration: the variant and whether this call created it. */
    public record Registration(Variant variant, boolean created) {
    }

    /** The job after a claim or a heartbeat, with the lease (its token only on a claim). */
    public record Leased(CompressionJob job, JobLeases.Lease lease) {
    }

    @Inject
    VariantService variants;

    @Inject
    VersionStatusTracker tracker;

    @Inject
    JobLeases leases;

    @Inject
    ArtifactVerifier verifier;

    @Inject
    Manifests manifests;

    @Inject
    ArtifactStore artifacts;

    @Inject
    Planner planner;

    public CompressionJob get(String id) {
        return find(id).toApi();
    }

    public List<CompressionJob> listFor(ModelVersion version) {
        return CompressionJobEntity.listFor(version).stream().map(CompressionJobEntity::toApi).toList();
    }

    /** A worker starts the job (or takes over one whose lease expired) and gets the lease. */
    @Transactional
    public Leased claim(String id, JobClaim claim, JobLeases.Claimant claimant) {
        CompressionJobEntity job = lock(id);
        requireOpen(job);
        JobLeases.Lease lease = leases.grant(job, claimant, workerId(claim == null ? null : claim.workerId()),
                Instant.now());
        job.progressPercent = 0;
        tracker.update(job.version);
        return new Leased(job.toApi(), lease);
    }

    /** Progress is also the heartbeat: it extends the lease. */
    @Transactional
    public Leased progress(String id, JobProgress progress, JobLeases.Claimant claimant) {
        if (progress == null || progress.progressPercent() < 0 || progress.progressPercent() > 100) {
            throw invalid("progressPercent must be between 0 and 100");
        }
        CompressionJobEntity job = lock(id);
        requireOpen(job);
        Instant now = Instant.now();
        leases.requireLive(job, claimant, now);
        job.running(workerId(progress.workerId()), now);
        job.progressPercent = progress.progressPercent();
        JobLeases.Lease lease = leases.extend(job, now);
        return new Leased(job.toApi(), lease);
    }

    /** Records a failure; refused and dead are final, retrying only records the error. */
    @Transactional
    public CompressionJob fail(String id, JobFailure failure, JobLeases.Claimant claimant) {
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
            if (job.status == target && leases.heldBy(job, claimant)) {
                return job.toApi(); // the holder's same report again (a retried HTTP call): nothing changes
            }
            throw finished(job);
        }
        Instant now = Instant.now();
        leases.requireLive(job, claimant, now);
        String worker = workerId(failure.workerId());
        if (failure.kind() == FailureKind.RETRYING) {
            job.running(worker, now);
            job.error = failure.reason();
            leases.extend(job, now);
        } else {
            job.workerId = worker;
            job.finished(target, failure.reason(), now);
        }
        tracker.update(job.version);
        return job.toApi();
    }

    /**
     * Registers the job's result; the holder's second registration of the same result answers the first variant.
     * Not one transaction: the lease is checked first (so nobody else makes the registry read the object), then the
     * stored bytes are verified without holding the job's row lock, then the variant is recorded under the lock
     * with the lease checked again.
     */
    public Registration registerVariant(String id, VariantRegistration reg, JobLeases.Claimant claimant) {
        if (reg == null || reg.toolVersion() == null || reg.toolVersion().isBlank() || reg.artifact() == null) {
            throw invalid("a variant registration needs 'toolVersion' and 'artifact'");
        }
        Registration repeated = QuarkusTransaction.requiringNew().call(() -> {
            CompressionJobEntity job = find(id);
            Registration done = registered(job, claimant);
            if (done == null) {
                leases.requireLive(job, claimant, Instant.now());
            }
            return done;
        });
        if (repeated != null) {
            return repeated;
        }
        verifier.verify(reg.artifact());
        StoredBlob manifest = null;
        if (reg.artifact().isDirectory()) {
            try {
                manifest = manifests.store(reg.artifact().files());
            } catch (IllegalArgumentException e) {
                throw invalid("model directory: " + e.getMessage());
            }
        }
        try {
            Registration r = record(id, reg, claimant, manifest);
            artifacts.release(manifest);
            return r;
        } catch (RuntimeException e) {
            artifacts.discardIfUnreferenced(manifest);
            throw e;
        }
    }

    private Registration record(String id, VariantRegistration reg, JobLeases.Claimant claimant, StoredBlob manifest) {
        return QuarkusTransaction.requiringNew().call(() -> {
            CompressionJobEntity job = lock(id);
            Registration done = registered(job, claimant);
            if (done != null) {
                return done;
            }
            leases.requireLive(job, claimant, Instant.now());
            VariantService.Registered registered = variants.register(job.version, job.recipe, reg.toolVersion(),
                    reg.artifact(), manifest, reg.report(), job.profiles, job.id);
            job.progressPercent = 100;
            job.variantId = registered.variant().id;
            job.workerId = workerId(reg.workerId());
            job.finished(JobStatus.SUCCEEDED, null, Instant.now());
            tracker.update(job.version);
            return new Registration(registered.variant().toApi(), registered.created());
        });
    }

    /** The holder's repeat of a registration that succeeded, null while the job is open; 409 to anybody else. */
    private Registration registered(CompressionJobEntity job, JobLeases.Claimant claimant) {
        if (job.status == JobStatus.SUCCEEDED && job.variantId != null && leases.heldBy(job, claimant)) {
            VariantEntity existing = VariantEntity.findById(job.variantId);
            return new Registration(existing.toApi(), false);
        }
        requireOpen(job);
        return null;
    }

    /**
     * Gives jobs whose lease expired back to the queue (their message is emitted again) or, on their last attempt,
     * declares them dead. {@code SKIP LOCKED}: replicas sweeping at once split the rows instead of waiting.
     *
     * @return how many jobs were handled
     */
    @Transactional
    public int expireLeases(Instant now, int batch) {
        List<UUID> ids = leases.lockExpired("compression_job", now, batch);
        for (UUID jobId : ids) {
            CompressionJobEntity job = CompressionJobEntity.findById(jobId);
            if (leases.requeueIfAttemptsLeft(job, now)) {
                planner.emit(job);
            } else {
                job.finished(JobStatus.DEAD, leases.exhaustedReason(job), now);
            }
            tracker.update(job.version);
        }
        return ids.size();
    }

    /**
     * Replays a dead-lettered compression job (see {@link JobLeases#replay}); its message is emitted again through
     * the outbox, and the version's status follows the job.
     *
     * @return what was done, or empty when the registry has no such job
     */
    @Transactional
    public Optional<DeadLetterReplay.Outcome> replay(UUID id, Instant now) {
        CompressionJobEntity job = CompressionJobEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            return Optional.empty();
        }
        var outcome = leases.replay(job, now);
        if (outcome == DeadLetterReplay.Outcome.REQUEUED) {
            planner.emit(job);
            tracker.update(job.version);
        }
        return Optional.of(outcome);
    }

    /** @return the job's status, or null when there is no such job */
    public JobStatus statusOf(UUID id) {
        CompressionJobEntity job = CompressionJobEntity.findById(id);
        return job == null ? null : job.status;
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
