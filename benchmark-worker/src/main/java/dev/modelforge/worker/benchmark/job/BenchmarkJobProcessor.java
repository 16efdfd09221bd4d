package dev.modelforge.worker.benchmark.job;

import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.client.LeaseHeartbeat;
import dev.modelforge.api.client.OutageRetry;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.Leases;
import java.time.Instant;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * One delivery of a job from start to the registry's acceptance of its result, riding out outages.
 *
 * <p>What is retried ({@link OutageRetry}): an outage — the registry or storage unreachable, 5xx, 408, 429 — with a
 * capped doubling backoff while the lease lasts (before the lease, for the outage patience), blocking this
 * profile's consumer meanwhile; anything else a few times. The measurement is never repeated for a retry: an
 * attempt that failed to deliver keeps its result and the next attempt only posts it again (the registry is
 * idempotent on the job id). When an outage outlasts the lease the delivery is given up, not dead-lettered: the
 * registry's lease sweep re-queues the job. A failed measurement is not a failure here: it is a result like any
 * other.
 *
 * <p>{@code start} leases the job to this worker; a heartbeat keeps the lease while the job is measured (minutes, in
 * child processes), and the result goes with the lease token. A heartbeat told the lease is lost (the registry gave
 * the job to another worker after this one was silent too long) ends the delivery as a duplicate.
 *
 * <p>How a delivery ends: {@link Outcome} (acknowledge), {@link DeadJob} (dead-letter, then acknowledge).
 */
public final class BenchmarkJobProcessor {

    private static final Logger LOG = Logger.getLogger(BenchmarkJobProcessor.class);

    /** How a delivery ended when it did not need the dead-letter topic. */
    public enum Outcome {
        /** The registry accepted the result (first time or as a repeat of the same job). */
        DELIVERED,
        /** The registry already had the job's result; nothing was measured. */
        DUPLICATE,
        /** An outage outlasted the lease: the registry re-queues the job and emits it again. */
        ABANDONED
    }

    /** The job cannot be completed: rejected for good, retries of a non-outage failure exhausted, or an outage
     * outlasted the patience before the job was leased. */
    public static final class DeadJob extends RuntimeException {
        private final int attempts;

        DeadJob(String message, int attempts, Throwable cause) {
            super(message, cause);
            this.attempts = attempts;
        }

        /** @return attempts made */
        public int attempts() {
            return attempts;
        }
    }

    private final BenchmarkJobHandler handler;
    private final RegistryBenchmarkClient registry;
    private final OutageRetry.Settings retry;

    /**
     * @param handler measurement of one job
     * @param registry the registry
     * @param retry   how outages and other failures are retried
     */
    public BenchmarkJobProcessor(BenchmarkJobHandler handler, RegistryBenchmarkClient registry,
                                 OutageRetry.Settings retry) {
        this.handler = handler;
        this.registry = registry;
        this.retry = retry;
    }

    /**
     * @param job      the job (already checked to be for a served profile)
     * @param workerId reported to the registry when the job starts
     * @return how it ended
     * @throws DeadJob when the message must go to the dead-letter topic
     */
    public Outcome process(BenchmarkJob job, String workerId) {
        OutageRetry policy = new OutageRetry(retry);
        String token = null;
        LeaseHeartbeat heartbeat = null;
        BenchmarkResult result = null;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    if (token == null) {
                        Instant asked = Instant.now();
                        RestResponse<BenchmarkJobView> started = registry.start(job.jobId(), new JobClaim(workerId));
                        String leaseToken = started.getHeaderString(Leases.TOKEN_HEADER);
                        heartbeat = LeaseHeartbeat.start("lease-" + job.jobId(),
                                started.getHeaderString(Leases.EXPIRES_HEADER), asked, () -> {
                                    try {
                                        registry.heartbeat(job.jobId(), leaseToken);
                                        return true;
                                    } catch (JobAlreadyFinished e) {
                                        return false;
                                    }
                                });
                        token = leaseToken;
                        policy.onSuccess();
                    }
                    if (result == null) {
                        result = handler.handle(job);
                        policy.onSuccess();
                    }
                    if (heartbeat.lost()) {
                        throw new JobAlreadyFinished("the lease of job " + job.jobId() + " was lost while measuring");
                    }
                    registry.postResult(job.variantId(), token, result);
                    LOG.infof("job %s variant %s on %s: %s%s (attempt %d)", job.jobId(), job.variantId(),
                            job.deviceProfile(), result.status(), summary(result), attempt);
                    return Outcome.DELIVERED;
                } catch (JobAlreadyFinished e) {
                    LOG.infof("job %s already has a result or another worker's lease; dropping this delivery",
                            job.jobId());
                    return Outcome.DUPLICATE;
                } catch (RejectedJob e) {
                    throw new DeadJob(e.getMessage(), attempt, e);
                } catch (RuntimeException e) {
                    boolean outage = e instanceof TransientFailure || OutageRetry.isConnectionFailure(e);
                    OutageRetry.Decision d = policy.onFailure(outage, describe(e), Instant.now(),
                            heartbeat == null ? null : heartbeat.expiresAt());
                    switch (d.verdict()) {
                        case RETRY -> {
                            LOG.warnf("job %s: %s; retrying in %d ms%s", job.jobId(), d.reason(),
                                    d.delay().toMillis(), result == null ? "" : " (the measured result is kept)");
                            OutageRetry.sleep(d.delay());
                        }
                        case ABANDON -> {
                            LOG.warnf("job %s: %s; giving this delivery up, the registry re-queues the job",
                                    job.jobId(), d.reason());
                            return Outcome.ABANDONED;
                        }
                        default -> throw new DeadJob(d.reason(), attempt, e);
                    }
                }
            }
        } finally {
            if (heartbeat != null) {
                heartbeat.close();
            }
        }
    }

    /** The numbers an operator looks for in the log. */
    static String summary(BenchmarkResult r) {
        if (r.failureReason() != null) {
            return " " + r.failureReason();
        }
        StringBuilder sb = new StringBuilder();
        if (r.latency() != null) {
            sb.append(String.format(java.util.Locale.ROOT, " p50 %.4f ms", r.latency().p50Millis()));
        }
        if (r.comparison() != null) {
            sb.append(String.format(java.util.Locale.ROOT, ", ratio vs baseline %.3f [%.3f, %.3f]",
                    r.comparison().ratio(), r.comparison().ciLow(), r.comparison().ciHigh()));
            if (r.comparison().predictionLow() != null) {
                sb.append(String.format(java.util.Locale.ROOT, " (a repeat: %.3f..%.3f)",
                        r.comparison().predictionLow(), r.comparison().predictionHigh()));
            }
        }
        if (r.accuracy() != null && r.accuracy().top1Accuracy() != null) {
            sb.append(String.format(java.util.Locale.ROOT, ", top-1 %.4f", r.accuracy().top1Accuracy()));
        }
        return sb.toString();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        String s = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
