package dev.modelforge.registry.job;

import dev.modelforge.registry.benchmark.BenchmarkJobs;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Finds jobs whose worker stopped reporting (died, lost the registry past its retries) and gives them back to the
 * queue, so no job stays {@code running} forever. Runs on every replica: each batch is claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas never handle the same job twice.
 */
@ApplicationScoped
public class LeaseSweep {

    private static final Logger LOG = Logger.getLogger(LeaseSweep.class);
    private static final int BATCH = 100;

    @Inject
    JobService compressionJobs;

    @Inject
    BenchmarkJobs benchmarkJobs;

    @Scheduled(every = "${modelforge.lease.sweep-interval:15s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            int compression;
            do {
                compression = compressionJobs.expireLeases(Instant.now(), BATCH);
                if (compression > 0) {
                    LOG.infof("%d compression job(s) lost their lease", compression);
                }
            } while (compression == BATCH);
            int benchmark;
            do {
                benchmark = benchmarkJobs.expireLeases(Instant.now(), BATCH);
                if (benchmark > 0) {
                    LOG.infof("%d benchmark job(s) lost their lease", benchmark);
                }
            } while (benchmark == BATCH);
        } catch (RuntimeException e) {
            LOG.warnf(e, "lease sweep failed; retrying next round");
        }
    }
}
