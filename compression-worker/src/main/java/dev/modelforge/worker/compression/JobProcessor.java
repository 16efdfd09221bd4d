package dev.modelforge.worker.compression;

import dev.modelforge.api.client.LeaseHeartbeat;
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
 * Does one compression job from start to registration, with bounded retries.
 *
 * <p>Idempotency comes from the registry: {@code claim} answers 409 for a job that is already finished (a
 * redelivery after the result was registered) or leased by another live worker, and registering the same (version,
 * recipe, tool version) twice returns the first variant. So any number of deliveries of one job end with exactly one
 * variant.
 *
 * <p>The claim's lease token goes with every later call; a heartbeat (a progress report with the last percentage)
 * keeps the lease while a long pass reports nothing. If the registry says the lease is lost, the job is given up:
 * another worker has it, or will once the registry re-queues it.
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
        REFUSED
    }

    /** Retries are exhausted; the job is marked dead and the message must go to the dead-letter topic. */
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
        int max = Math.max(1, config.maxAttempts());
        long backoff = config.initialBackoff().toMillis();
        Lease lease = null;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    if (lease == null) {
                        lease = claim(job);
                    }
                    return attempt(job, lease);
                } catch (JobsApi.JobFinishedException e) {
                    LOG.infof("job %s is finished or leased by another worker, dropping this delivery", job.jobId());
                    return Outcome.DUPLICATE;
                } catch (RecipeExecutor.RecipeRefusedException e) {
                    LOG.infof("job %s (%s) refused: %s", job.jobId(), job.recipe().label(), e.getMessage());
                    return reportRefused(job, lease, e.getMessage());
                } catch (Exception e) {
                    String reason = "attempt " + attempt + "/" + max + ": " + describe(e);
                    if (attempt >= max) {
                        LOG.errorf(e, "job %s is dead after %d attempts", job.jobId(), attempt);
                        report(job, lease, FailureKind.DEAD, reason);
                        throw new DeadJobException("job " + job.jobId() + " dead: " + reason, e);
                    }
                    LOG.warnf("job %s failed (%s), retrying in %d ms", job.jobId(), reason, backoff);
                    report(job, lease, FailureKind.RETRYING, reason);
                    sleep(backoff);
                    backoff *= 2;
                }
            }
        } finally {
            if (lease != null) {
                lease.heartbeat.close();
            }
        }
    }

    /** Claims the job and starts its heartbeat. */
    private Lease claim(CompressionJobMessage job) {
        RestResponse<CompressionJob> claimed = registry.claim(job.jobId(), new JobClaim(workerId()));
        String token = claimed.getHeaderString(Leases.TOKEN_HEADER);
        Lease lease = new Lease(token);
        lease.heartbeat = LeaseHeartbeat.start("lease-" + job.jobId(),
                LeaseHeartbeat.intervalFor(claimed.getHeaderString(Leases.EXPIRES_HEADER), Instant.now()), () -> {
                    try {
                        registry.progress(job.jobId(), token, new JobProgress(workerId(), lease.percent, "working"));
                        return true;
                    } catch (JobsApi.JobFinishedException e) {
                        return false;
                    }
                });
        return lease;
    }

    private Outcome attempt(CompressionJobMessage job, Lease lease) throws Exception {
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
            registry.registerVariant(job.jobId(), lease.token,
                    new VariantRegistration(workerId(), out.toolVersion(), stored, out.report()));
            LOG.infof("job %s (%s) registered %s", job.jobId(), job.recipe().label(),
                    stored.isDirectory() ? stored.files().size() + " files" : stored.storageKey());
            return Outcome.REGISTERED;
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

    /** Best effort: the registry being down must not hide the original failure. */
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
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
                registry.progress(jobId, lease.token, new JobProgress(workerId(), percent, phase));
            } catch (JobsApi.JobFinishedException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.debugf("progress report for %s failed: %s", jobId, e.toString());
            }
        }
    }
}
