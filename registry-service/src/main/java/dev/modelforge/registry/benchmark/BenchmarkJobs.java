package dev.modelforge.registry.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.benchmark.BenchmarkCompletedEvent;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.job.DeadLetterReplay;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.events.Outbox;
import dev.modelforge.registry.job.JobLeases;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.variant.VariantCreated;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.variant.VariantProfilesAdded;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Benchmark jobs: queued when a variant is created (one per profile it serves), started and finished by workers
 * through REST, re-queued when a profile's runtime changes. Every job and every first result is an outbox event.
 */
@ApplicationScoped
public class BenchmarkJobs {

    /** CloudEvents type of a queued job. */
    public static final String JOB_EVENT_TYPE = "dev.modelforge.benchmark.job";

    @Inject
    Outbox outbox;

    @Inject
    ObjectMapper json;

    @Inject
    EntityManager em;

    @Inject
    DeviceProfileService profiles;

    @Inject
    Event<BenchmarkRecorded> recorded;

    @Inject
    Event<BenchmarksChanged> changed;

    @Inject
    JobLeases leases;

    /** The job after a start or a heartbeat, with the lease (its token only on a start). */
    public record Leased(BenchmarkJobView job, JobLeases.Lease lease) {
    }

    /** Same transaction as the variant: a rolled-back variant leaves no job and no message behind. */
    @Transactional(Transactional.TxType.MANDATORY)
    void onVariantCreated(@Observes VariantCreated created) {
        VariantEntity variant = VariantEntity.findById(created.variantId());
        queueOn(variant, variant.profiles, BenchmarkJobView.REASON_VARIANT_CREATED);
    }

    /** A backfill made an existing variant serve more profiles: measure it there too. */
    @Transactional(Transactional.TxType.MANDATORY)
    void onProfilesAdded(@Observes VariantProfilesAdded added) {
        queueOn(VariantEntity.findById(added.variantId()), added.profiles(), BenchmarkJobView.REASON_PROFILE_ADDED);
    }

    /** One job per named profile that still exists (a profile deleted meanwhile gets none). */
    private void queueOn(VariantEntity variant, List<String> profileNames, String reason) {
        for (String name : profileNames) {
            profiles.find(name).ifPresent(p -> queue(variant, p, reason));
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public BenchmarkJobEntity queue(VariantEntity variant, DeviceProfile profile, String reason) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        BenchmarkJobEntity job = new BenchmarkJobEntity();
        job.id = UUID.randomUUID();
        job.variant = variant;
        job.version = variant.version;
        job.profile = profile.name();
        job.queued(now);
        job.reason = reason;
        job.persist();
        emit(job, profile);
        return job;
    }

    /**
     * Puts {@code job}'s message on the benchmark-jobs topic (through the outbox): when it is queued, and again when
     * an expired lease gives it back to the queue. The profile travels as a snapshot: the worker measures with the
     * runtime settings and limits the job was queued with, even if an admin edits the profile meanwhile.
     */
    private void emit(BenchmarkJobEntity job, DeviceProfile profile) {
        VariantEntity variant = job.variant;
        ModelVersion version = variant.version;
        Optional<VariantEntity> baseline = isBaseline(variant) ? Optional.empty() : baselineOf(version);
        String modelId = String.valueOf(version.model.id);
        BenchmarkJob payload = new BenchmarkJob(job.id.toString(), variant.id.toString(), profile.name(),
                stored(variant.artifact), baseline.map(b -> b.id.toString()).orElse(null),
                baseline.map(b -> stored(b.artifact)).orElse(null),
                version.eval == null ? null : stored(version.eval), modelId, version.model.name, version.version,
                profile, job.reason);
        outbox.record("model", modelId, JOB_EVENT_TYPE, BenchmarkJob.TOPIC, modelId, payload);
        changed.fire(new BenchmarksChanged(version.model.name, profile.name()));
    }

    public static boolean isBaseline(VariantEntity v) {
        return dev.modelforge.registry.variant.VariantService.BASELINE_TOOL.equals(v.toolVersion);
    }

    /** The baselines of many versions in one query. */
    public static List<VariantEntity> baselinesOf(java.util.Collection<ModelVersion> versions) {
        return versions.isEmpty() ? List.of() : VariantEntity.<VariantEntity>list("version in ?1 and toolVersion = ?2",
                versions, dev.modelforge.registry.variant.VariantService.BASELINE_TOOL);
    }

    /** Every result of each of the variants, oldest first, in one query (a page of many variants). */
    public Map<UUID, List<BenchmarkResult>> results(java.util.Collection<UUID> variantIds) {
        Map<UUID, List<BenchmarkResult>> out = new java.util.HashMap<>();
        BenchmarkResultEntity.allFor(variantIds, null)
                .forEach(e -> out.computeIfAbsent(e.variantId, k -> new ArrayList<>()).add(read(e.result)));
        return out;
    }

    public static Optional<VariantEntity> baselineOf(ModelVersion version) {
        return VariantEntity.<VariantEntity>list("version = ?1 and toolVersion = ?2", version,
                dev.modelforge.registry.variant.VariantService.BASELINE_TOOL).stream().findFirst();
    }

    private static StoredObject stored(Artifact a) {
        return a.toStoredObject();
    }

    /** The worker's claim: queued (or an expired lease) → running, with a new lease. */
    @Transactional
    public Leased start(String id, String workerId, JobLeases.Claimant claimant) {
        BenchmarkJobEntity job = lock(id);
        requireOpen(job);
        JobLeases.Lease lease = leases.grant(job, claimant, workerId, Instant.now().truncatedTo(ChronoUnit.MICROS));
        return new Leased(job.toApi(), lease);
    }

    /** The holder is still measuring: the lease runs for its full duration again. */
    @Transactional
    public Leased heartbeat(String id, JobLeases.Claimant claimant) {
        BenchmarkJobEntity job = lock(id);
        requireOpen(job);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        leases.requireLive(job, claimant, now);
        job.updatedAt = now;
        return new Leased(job.toApi(), leases.extend(job, now));
    }

    private static void requireOpen(BenchmarkJobEntity job) {
        if (job.status.isTerminal()) {
            throw BenchmarkProblems.finished(job.id.toString(), job.status.wireName());
        }
    }

    /**
     * Re-queues benchmark jobs whose lease expired (emitting their message again) or, on their last attempt, fails
     * them so the version's promotion decision does not wait for them. {@code SKIP LOCKED} lets replicas share it.
     *
     * @return how many jobs were handled
     */
    @Transactional
    public int expireLeases(Instant now, int batch) {
        List<UUID> ids = leases.lockExpired("benchmark_job", now, batch);
        for (UUID jobId : ids) {
            BenchmarkJobEntity job = BenchmarkJobEntity.findById(jobId);
            Optional<DeviceProfile> profile = profiles.find(job.profile);
            if (profile.isPresent() && leases.requeueIfAttemptsLeft(job, now)) {
                emit(job, profile.get());
            } else {
                job.finished(JobStatus.FAILED, profile.isPresent() ? leases.exhaustedReason(job)
                        : "lease expired and profile '" + job.profile + "' no longer exists", now);
                // No BenchmarkRecorded here (its observer needs the version lock, taken before job locks
                // elsewhere): the promotion sweep decides a version whose jobs all finished without a new result.
                changed.fire(new BenchmarksChanged(job.version.model.name, job.profile));
            }
        }
        return ids.size();
    }

    /**
     * Replays a dead-lettered benchmark job (see {@link JobLeases#replay}); its message is emitted again with the
     * profile's current revision. A job whose profile was deleted cannot run: it stays as it is.
     *
     * @return what was done, or empty when the registry has no such job (or its profile is gone)
     */
    @Transactional
    public Optional<DeadLetterReplay.Outcome> replay(UUID id, Instant now) {
        BenchmarkJobEntity job = em.find(BenchmarkJobEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            return Optional.empty();
        }
        Optional<DeviceProfile> profile = profiles.find(job.profile);
        if (profile.isEmpty()) {
            return Optional.empty();
        }
        DeadLetterReplay.Outcome outcome = leases.replay(job, now);
        if (outcome == DeadLetterReplay.Outcome.REQUEUED) {
            emit(job, profile.get());
        }
        return Optional.of(outcome);
    }

    /** @return the job's status, or null when there is no such job */
    public JobStatus statusOf(UUID id) {
        BenchmarkJobEntity job = BenchmarkJobEntity.findById(id);
        return job == null ? null : job.status;
    }

    public BenchmarkJobView get(String id) {
        return find(id).toApi();
    }

    public List<BenchmarkJobView> listFor(ModelVersion version) {
        return BenchmarkJobEntity.listFor(version).stream().map(BenchmarkJobEntity::toApi).toList();
    }

    /** A stored result and whether this call stored it (false: the job's result was already there). */
    public record Recorded(BenchmarkResult result, boolean created) {
    }

    /**
     * Stores a worker's result, once per job. The version row is locked first, so results of one version are
     * recorded one after another: a repeated post waits and then finds the stored result, and the promotion engine
     * sees a consistent set of jobs when it checks whether this result completed the version's benchmarks.
     */
    @Transactional
    public Recorded record(String variantId, BenchmarkResult body, JobLeases.Claimant claimant) {
        if (body == null || body.jobId() == null) {
            throw BenchmarkProblems.invalid("jobId is required");
        }
        BenchmarkJobEntity job = find(body.jobId());
        if (!job.variant.id.toString().equals(variantId)) {
            throw BenchmarkProblems.mismatch("benchmark job " + job.id + " measures variant " + job.variant.id
                    + ", not " + variantId);
        }
        if (body.variantId() != null && !body.variantId().equals(variantId)) {
            throw BenchmarkProblems.invalid("variantId '" + body.variantId() + "' differs from the path's " + variantId);
        }
        if (body.deviceProfile() != null && !body.deviceProfile().equals(job.profile)) {
            throw BenchmarkProblems.mismatch("benchmark job " + job.id + " is for profile '" + job.profile
                    + "', not '" + body.deviceProfile() + "'");
        }
        em.find(ModelVersion.class, job.version.id, LockModeType.PESSIMISTIC_WRITE);
        // Version first, then the job: the same lock order as every other writer of these rows.
        em.refresh(job, LockModeType.PESSIMISTIC_WRITE);
        BenchmarkResultEntity existing = BenchmarkResultEntity.findById(job.id);
        if (existing != null && leases.heldBy(job, claimant)) {
            return new Recorded(read(existing.result), false);
        }
        requireOpen(job);
        BenchmarkFigures.check(body);
        leases.requireLive(job, claimant, Instant.now());
        // The size is the registry's own (measured when the artifact was stored), whatever the worker says.
        BenchmarkResult result = body.forJob(job.id.toString(), variantId, job.profile)
                .withSizeBytes(job.variant.artifact.modelBytes);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        BenchmarkResultEntity row = new BenchmarkResultEntity();
        row.jobId = job.id;
        row.variantId = job.variant.id;
        row.profile = job.profile;
        row.status = result.status();
        row.ortVersion = result.fingerprint() == null ? null : result.fingerprint().ortVersion();
        row.emulated = result.emulated();
        row.result = write(result);
        row.measuredAt = result.measuredAt();
        row.receivedAt = now;
        row.persist();

        if (result.status() == BenchmarkStatus.OK) {
            job.finished(JobStatus.SUCCEEDED, null, now);
        } else {
            job.finished(JobStatus.FAILED, result.failureReason()
                    + (result.failureDetail() == null ? "" : ": " + result.failureDetail()), now);
        }
        job.decided = false;

        ModelVersion version = job.version;
        String modelId = String.valueOf(version.model.id);
        outbox.record("model", modelId, BenchmarkCompletedEvent.EVENT_TYPE, BenchmarkJob.RESULTS_TOPIC, modelId,
                new BenchmarkCompletedEvent(job.id.toString(), variantId, modelId, version.model.name,
                        version.version, job.profile, result.status(), result));
        changed.fire(new BenchmarksChanged(version.model.name, job.profile));
        recorded.fire(new BenchmarkRecorded(version.id, job.profile));
        return new Recorded(result, true);
    }

    public List<BenchmarkResult> results(UUID variantId) {
        return BenchmarkResultEntity.listFor(variantId).stream().map(e -> read(e.result)).toList();
    }

    public BenchmarkResult read(String stored) {
        try {
            return json.readValue(stored, BenchmarkResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored benchmark result is not readable", e);
        }
    }

    private String write(BenchmarkResult r) {
        try {
            return json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("benchmark result not serialisable", e);
        }
    }

    private static BenchmarkJobEntity find(String id) {
        return parse(id).flatMap(u -> BenchmarkJobEntity.<BenchmarkJobEntity>findByIdOptional(u))
                .orElseThrow(() -> BenchmarkProblems.jobNotFound(id));
    }

    private BenchmarkJobEntity lock(String id) {
        return parse(id).map(u -> em.find(BenchmarkJobEntity.class, u, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> BenchmarkProblems.jobNotFound(id));
    }

    static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
