package dev.modelforge.worker.compression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.client.LeaseHeartbeat;
import dev.modelforge.api.client.OutageRetry;
import io.minio.errors.ErrorResponseException;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.onnx.ScratchDirs;
import dev.modelforge.api.job.CompressionJobMessage;
import dev.modelforge.api.job.FailureKind;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.JobFailure;
import dev.modelforge.api.job.JobProgress;
import dev.modelforge.api.job.Leases;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.variant.VariantRegistration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Does one compression job from start to registration, riding out outages of the registry and storage.
 *
 * <p>Idempotency comes from the registry: {@code claim} answers 409 for a job that is already finished (a
 * redelivery after the result was registered) or leased by another live worker, and registering the same (version,
 * recipe, tool version) twice returns the first variant. So any number of deliveries of one job end with exactly one
 * variant.
 *
 * <p>The claim's lease token goes with every later call; a heartbeat (a progress report with the last percentage)
 * keeps the lease while a long pass reports nothing. If the registry says the lease is lost, the job is given up:
 * another worker has it, or will once the registry re-queues it.
 *
 * <p>Retries follow {@link OutageRetry}: an outage (registry or storage unreachable, 5xx) is retried with a capped
 * backoff while the lease lasts, keeping what was done — the uploaded variant is registered, never recompressed —
 * and blocking this worker's consumption meanwhile; a failure that is not an outage is retried a few times and then
 * dead-lettered, and a 4xx rejection is dead-lettered at once.
 */
@ApplicationScoped
public class JobProcessor {

    private static final Logger LOG = Logger.getLogger(JobProcessor.class);

    /** How a delivery ended (the consumer acknowledges all of these; a dead job throws instead). */
    public enum Outcome {
        /** The variant is registered. */
        REGISTERED,
        /** The registry already had a final state for the job; nothing was done. */
        DUPLICATE,
        /** The recipe refused the model; the job is failed with the reason. */
        REFUSED,
        /** An outage outlasted the lease; the registry re-queues the job and emits it again. */
        ABANDONED
    }

    /** The job can never succeed, or retries of a non-outage failure are exhausted: the message goes to the DLQ. */
    public static class DeadJobException extends RuntimeException {
        DeadJobException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Inject
    @RestClient
    JobsApi registry;

    @Inject
    BlobStore blobs;

    @Inject
    RecipeExecutor executor;

    @Inject
    WorkerConfig config;

    private final String defaultWorkerId = ManagementFactory.getRuntimeMXBean().getName();

    public String workerId() {
        return config.id().orElse(defaultWorkerId);
    }

    public Outcome process(CompressionJobMessage job) {
        OutageRetry retry = new OutageRetry(config.retry());
        Lease lease = null;
        Computed computed = null;
        String refusal = null;
        try {
            while (true) {
                try {
                    if (lease == null) {
                        lease = claim(job);
                        retry.onSuccess();
                    }
                    if (refusal != null) {
                        return reportRefused(job, lease, refusal);
                    }
                    if (computed == null) {
                        computed = compute(job, lease);
                        retry.onSuccess();
                    }
                    registry.registerVariant(job.jobId(), lease.token, new VariantRegistration(workerId(),
                            computed.toolVersion(), computed.stored(), computed.report()));
                    LOG.infof("job %s (%s) registered %s", job.jobId(), job.recipe().label(),
                            computed.stored().storageKey());
                    return Outcome.REGISTERED;
                } catch (JobsApi.JobFinishedException e) {
                    LOG.infof("job %s is finished or leased by another worker, dropping this delivery", job.jobId());
                    return Outcome.DUPLICATE;
                } catch (RecipeExecutor.RecipeRefusedException e) {
                    LOG.infof("job %s (%s) refused: %s", job.jobId(), job.recipe().label(), e.getMessage());
                    refusal = e.getMessage();
                } catch (JobsApi.JobRejectedException e) {
                    LOG.errorf("job %s rejected by the registry: %s", job.jobId(), e.getMessage());
                    throw new DeadJobException("job " + job.jobId() + " rejected: " + e.getMessage(), e);
                } catch (Exception e) {
                    boolean outage = isOutage(e);
                    OutageRetry.Decision d = retry.onFailure(outage, describe(e), Instant.now(),
                            lease == null ? null : lease.heartbeat.expiresAt());
                    switch (d.verdict()) {
                        case RETRY -> {
                            LOG.warnf("job %s failed (%s), retrying in %d ms%s", job.jobId(), d.reason(),
                                    d.delay().toMillis(), computed == null ? "" : " (the variant is kept)");
                            if (!outage) {
                                report(job, lease, FailureKind.RETRYING, d.reason());
                            }
                            OutageRetry.sleep(d.delay());
                        }
                        case ABANDON -> {
                            // The registry re-queues the job when the lease expires and emits it again.
                            LOG.warnf("job %s: %s; giving this delivery up, the registry re-queues it",
                                    job.jobId(), d.reason());
                            return Outcome.ABANDONED;
                        }
                        default -> {
                            LOG.errorf(e, "job %s is dead: %s", job.jobId(), d.reason());
                            if (!outage) {
                                report(job, lease, FailureKind.DEAD, d.reason());
                            }
                            throw new DeadJobException("job " + job.jobId() + " dead: " + d.reason(), e);
                        }
                    }
                }
            }
        } finally {
            if (lease != null) {
                lease.heartbeat.close();
            }
        }
    }

    /**
     * Whether a failure is an outage of the registry or of object storage (retried while the lease lasts) rather
     * than something wrong with the job or the worker (retried a few times, then dead).
     */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JobsApi.RegistryUnavailableException) {
                return true;
            }
            if (t instanceof ErrorResponseException s3 && s3.response() != null
                    && OutageRetry.isTransientStatus(s3.response().code())) {
                return true;
            }
        }
        return OutageRetry.isConnectionFailure(e);
    }

    /** Claims the job and starts its heartbeat. */
    private Lease claim(CompressionJobMessage job) {
        RestResponse<CompressionJob> claimed = registry.claim(job.jobId(), new JobClaim(workerId()));
        String token = claimed.getHeaderString(Leases.TOKEN_HEADER);
        Lease lease = new Lease(token);
        lease.heartbeat = LeaseHeartbeat.start("lease-" + job.jobId(),
                claimed.getHeaderString(Leases.EXPIRES_HEADER), Instant.now(), () -> {
                    try {
                        registry.progress(job.jobId(), token, new JobProgress(workerId(), lease.percent, "working"));
                        return true;
                    } catch (JobsApi.JobFinishedException e) {
                        return false;
                    }
                });
        return lease;
    }

    /** What a compression produced and stored: all the registration needs, kept across registry outages. */
    private record Computed(StoredObject stored, String toolVersion, JsonNode report) {
    }

    private Computed compute(CompressionJobMessage job, Lease lease) throws Exception {
        Path dir = ScratchDirs.createDirectory(config.workDir().orElse(null), "modelforge-job-");
        try {
            boolean directory = job.original().isDirectory();
            Path original = directory ? blobs.downloadDirectory(job.original(), dir.resolve("original"))
                    : dir.resolve("original.onnx");
            if (!directory) {
                blobs.download(job.original(), original);
            }
            Optional<Path> calibration = fetch(job.calibration(), dir.resolve("calibration.data"));
            Optional<Path> eval = fetch(job.eval(), dir.resolve("eval.data"));
            Throttle progress = new Throttle(job.jobId(), lease);
            progress.send("downloaded", 10, true);
            Path work = Files.createDirectory(dir.resolve("work"));
            RecipeExecutor.Output out = executor.run(original, directory, calibration, eval, job.recipe(), work,
                    (phase, fraction) -> progress.send(phase, 10 + (int) Math.round(80 * clamp(fraction)), false));
            progress.send("uploading", 90, true);
            StoredObject stored = out.directory() != null ? blobs.uploadDirectory(out.directory())
                    : blobs.uploadContentAddressed(out.model());
            return new Computed(stored, out.toolVersion(), out.report());
        } finally {
            deleteTree(dir);
        }
    }

    private Optional<Path> fetch(StoredObject object, Path target) throws IOException {
        if (object == null) {
            return Optional.empty();
        }
        blobs.download(object, target);
        return Optional.of(target);
    }

    private Outcome reportRefused(CompressionJobMessage job, Lease lease, String reason) {
        try {
            registry.fail(job.jobId(), lease.token, new JobFailure(workerId(), FailureKind.REFUSED, reason));
        } catch (JobsApi.JobFinishedException e) {
            return Outcome.DUPLICATE;
        }
        return Outcome.REFUSED;
    }

    /** Best effort: the registry being unreachable must not hide the original failure. */
    private void report(CompressionJobMessage job, Lease lease, FailureKind kind, String reason) {
        if (lease == null) {
            return; // never claimed (the registry was unreachable): there is nothing to report on
        }
        try {
            registry.fail(job.jobId(), lease.token, new JobFailure(workerId(), kind, reason));
        } catch (RuntimeException e) {
            LOG.warnf("could not report %s for job %s: %s", kind.wireName(), job.jobId(), e.toString());
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static double clamp(double fraction) {
        return Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", dir, e.toString());
        }
    }

    /** The lease a claim granted: its token, the heartbeat keeping it, the last percentage reported. */
    private static final class Lease {
        private final String token;
        private LeaseHeartbeat heartbeat;
        private volatile int percent;

        Lease(String token) {
            this.token = token;
        }
    }

    /** Sends progress at most every {@link WorkerConfig#progressInterval()}, unless forced. */
    private final class Throttle {
        private final String jobId;
        private final Lease lease;
        private long lastSent;
        private int lastPercent = -1;

        Throttle(String jobId, Lease lease) {
            this.jobId = jobId;
            this.lease = lease;
        }

        void send(String phase, int percent, boolean force) {
            if (lease.heartbeat.lost()) {
                throw new JobsApi.JobFinishedException("lease of job " + jobId + " lost");
            }
            lease.percent = percent;
            long now = System.nanoTime();
            if (!force && (percent == lastPercent || now - lastSent < config.progressInterval().toNanos())) {
                return;
            }
            lastSent = now;
            lastPercent = percent;
            try {
                Instant sent = Instant.now();
                registry.progress(jobId, lease.token, new JobProgress(workerId(), percent, phase));
                lease.heartbeat.confirmed(sent);
            } catch (JobsApi.JobFinishedException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.debugf("progress report for %s failed: %s", jobId, e.toString());
            }
        }
    }
}
