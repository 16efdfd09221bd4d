package dev.modelforge.registry.job;

import dev.modelforge.api.job.JobStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import java.time.Instant;
import java.util.UUID;

/**
 * The lifecycle every job a worker runs shares — compression jobs and benchmark jobs alike: queued, claimed by a
 * worker, finished with or without an error. Keeping the transitions here keeps their timestamps consistent
 * (a restart keeps the first start; finishing stamps both the update and the end).
 */
@MappedSuperclass
public abstract class WorkerJob extends PanacheEntityBase {

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JobStatus status;

    @Column(name = "worker_id")
    public String workerId;

    public String error;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** How many leases were granted (claims); bounds re-queues after expired leases. */
    @Column(nullable = false)
    public int attempts;

    /** SHA-256 of the current (or, once finished, the last) lease token; see {@link JobLeases}. */
    @Column(name = "lease_token_hash", length = 64)
    public String leaseTokenHash;

    /** Id of the API key that holds the lease. */
    @Column(name = "lease_key_id")
    public Long leaseKeyId;

    /** Null while queued; a running job past this instant has lost its worker. */
    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

    /** A new job, waiting for a worker. */
    public void queued(Instant now) {
        status = JobStatus.QUEUED;
        createdAt = now;
        updatedAt = now;
    }

    /** A worker runs the job (again, after a crash or a retryable error: the first start is kept). */
    public void running(String worker, Instant now) {
        status = JobStatus.RUNNING;
        workerId = worker;
        if (startedAt == null) {
            startedAt = now;
        }
        updatedAt = now;
    }

    /** A lease expired: the job waits for a worker again; the stale holder's token no longer matches a live lease. */
    public void requeued(String reason, Instant now) {
        status = JobStatus.QUEUED;
        error = reason;
        leaseExpiresAt = null;
        updatedAt = now;
    }

    /** The job reached {@code terminal}; {@code reason} is null for a success. */
    public void finished(JobStatus terminal, String reason, Instant now) {
        status = terminal;
        error = reason;
        updatedAt = now;
        finishedAt = now;
        leaseExpiresAt = null;
    }
}
