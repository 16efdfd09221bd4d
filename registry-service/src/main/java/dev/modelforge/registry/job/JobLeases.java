package dev.modelforge.registry.job;

import dev.modelforge.api.job.DeadLetterReplay;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.registry.auth.ApiKey;
import dev.modelforge.registry.error.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The one place that decides who may report on a job: the worker holding its lease. Compression and benchmark jobs
 * use it alike; callers hold the job's row lock, so a grant and a check never race.
 *
 * <p>A lease is (token, API key, expiry). The claim answers a fresh random token; only its hash is stored. A report
 * is accepted while the lease is live and comes with that token from that key; anything else is 409
 * {@code lease-lost}. After a job finished, its last lease still identifies the holder, so the holder's retried
 * final report is answered idempotently while everybody else gets 409.
 */
@ApplicationScoped
public class JobLeases {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who is calling: the API key's id and the lease token it presented (null when none). */
    public record Claimant(long keyId, String token) {
    }

    /** A granted or extended lease; {@code token} is null for an extension (the worker keeps its token). */
    public record Lease(String token, Instant expiresAt) {
    }

    @Inject
    LeaseConfig config;

    @Inject
    EntityManager em;

    /**
     * Locks up to {@code batch} running jobs of {@code table} ({@code compression_job} or {@code benchmark_job})
     * whose lease expired, oldest first. {@code SKIP LOCKED}: replicas sweeping at once split the rows instead of
     * waiting. Runs in the caller's transaction.
     *
     * @return the locked jobs' ids
     */
    @SuppressWarnings("unchecked")
    public List<UUID> lockExpired(String table, Instant now, int batch) {
        return em.createNativeQuery("select id from " + table + " where status = 'RUNNING' "
                        + "and (lease_expires_at is null or lease_expires_at < ?1) order by lease_expires_at "
                        + "limit ?2 for update skip locked", UUID.class)
                .setParameter(1, now).setParameter(2, batch).getResultList();
    }

    /** The caller of a worker route, from its API key identity and the token header. */
    public static Claimant claimant(SecurityIdentity identity, String token) {
        Object id = identity.getAttribute("apiKeyId");
        if (!(id instanceof Long keyId)) {
            // Every identity comes from an API key; a route reached otherwise is a configuration error.
            throw new IllegalStateException("caller has no API key id");
        }
        return new Claimant(keyId, token == null || token.isBlank() ? null : token.trim());
    }

    /**
     * Grants a new lease on a non-terminal job: queued, or running with an expired lease. A live lease is refused
     * with 409 {@code lease-held} — whoever holds it keeps it by heartbeating.
     */
    public Lease grant(WorkerJob job, Claimant claimant, String workerId, Instant now) {
        if (job.status == JobStatus.RUNNING && isLive(job, now)) {
            throw new ProblemException(409, PipelineProblemTypes.LEASE_HELD, "Job is leased",
                    "job " + job.id + " is running on worker '" + job.workerId + "' until " + job.leaseExpiresAt
                            + "; drop this delivery (it is re-queued if that lease expires)");
        }
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        job.running(workerId, now);
        job.attempts++;
        job.leaseTokenHash = ApiKey.hash(token);
        job.leaseKeyId = claimant.keyId();
        job.leaseExpiresAt = now.plus(config.duration());
        return new Lease(token, job.leaseExpiresAt);
    }

    /** Refuses the call with 409 {@code lease-lost} unless the claimant holds a live lease on the running job. */
    public void requireLive(WorkerJob job, Claimant claimant, Instant now) {
        if (claimant.token() == null) {
            throw lost(job, "no lease token: send the token the claim answered in the X-Lease-Token header");
        }
        if (!heldBy(job, claimant)) {
            throw lost(job, "this key and token do not hold the job's lease (another worker claimed it)");
        }
        if (job.status != JobStatus.RUNNING || !isLive(job, now)) {
            throw lost(job, "the lease expired" + (job.leaseExpiresAt == null ? "" : " at " + job.leaseExpiresAt)
                    + " and the job was given back to the queue; drop this delivery");
        }
    }

    /** Whether the claimant's key and token are the job's (current or last) lease, live or not. */
    public boolean heldBy(WorkerJob job, Claimant claimant) {
        return claimant.token() != null && job.leaseTokenHash != null && job.leaseKeyId != null
                && job.leaseKeyId == claimant.keyId()
                && MessageDigest.isEqual(job.leaseTokenHash.getBytes(StandardCharsets.US_ASCII),
                ApiKey.hash(claimant.token()).getBytes(StandardCharsets.US_ASCII));
    }

    /** A heartbeat: the lease runs for its full duration from now. */
    public Lease extend(WorkerJob job, Instant now) {
        job.leaseExpiresAt = now.plus(config.duration());
        return new Lease(null, job.leaseExpiresAt);
    }

    /**
     * After its lease expired: re-queue the job (true), or — on its last attempt — leave the decision to fail it
     * to the caller (false). The caller emits the job message again when this answers true.
     */
    public boolean requeueIfAttemptsLeft(WorkerJob job, Instant now) {
        if (job.attempts >= config.maxAttempts()) {
            return false;
        }
        job.requeued("lease of worker '" + job.workerId + "' expired; re-queued after attempt " + job.attempts
                + " of " + config.maxAttempts(), now);
        return true;
    }

    /**
     * An admin replays the job from a dead-letter topic. A job that succeeded, or that a live worker holds, is left
     * alone (the answer says why); any other is queued again with a fresh set of lease attempts — the caller emits
     * its message again.
     *
     * @return {@link DeadLetterReplay.Outcome#REQUEUED} when the caller must emit the job
     */
    public DeadLetterReplay.Outcome replay(WorkerJob job, Instant now) {
        if (job.status == JobStatus.SUCCEEDED) {
            return DeadLetterReplay.Outcome.ALREADY_SUCCEEDED;
        }
        if (job.status == JobStatus.RUNNING && isLive(job, now)) {
            return DeadLetterReplay.Outcome.LEASED;
        }
        job.attempts = 0;
        job.finishedAt = null;
        job.requeued("replayed from the dead-letter topic (was " + job.status.wireName()
                + (job.error == null ? "" : ": " + job.error) + ")", now);
        return DeadLetterReplay.Outcome.REQUEUED;
    }

    /** The failure reason of a job whose last lease expired. */
    public String exhaustedReason(WorkerJob job) {
        return "lease of worker '" + job.workerId + "' expired on attempt " + job.attempts + " of "
                + config.maxAttempts() + "; no worker finished the job";
    }

    private static boolean isLive(WorkerJob job, Instant now) {
        return job.leaseExpiresAt != null && job.leaseExpiresAt.isAfter(now);
    }

    private static ProblemException lost(WorkerJob job, String why) {
        return new ProblemException(409, PipelineProblemTypes.LEASE_LOST, "Lease lost", "job " + job.id + ": " + why);
    }
}
