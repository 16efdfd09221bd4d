package dev.modelforge.registry.artifact;

import dev.modelforge.registry.storage.ObjectStorage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Removes what failed or crashed uploads left in object storage: {@code staging/} objects, and objects under
 * {@code sha256/} that no artifact row and no upload claim holds, once older than the grace period; and
 * expires upload claims older than it. One replica at a time (a PostgreSQL advisory lock); each removal
 * re-checks under the digest's lock, so it never races an upload that claims the same bytes.
 */
@ApplicationScoped
public class BlobCollector {
    private static final Logger LOG = Logger.getLogger(BlobCollector.class);

    @Inject
    ObjectStorage storage;

    @Inject
    ArtifactStore artifacts;

    @Inject
    EntityManager em;

    @Inject
    BlobCollectorConfig config;

    @Inject
    MeterRegistry meters;

    /** What one run removed. */
    public record Collected(int staging, int unreferenced, int expiredClaims) {
    }

    @Scheduled(every = "${modelforge.storage.collector.interval:15m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            Collected c = collect(config.gracePeriod());
            if (c.staging() + c.unreferenced() + c.expiredClaims() > 0) {
                LOG.infof("blob collector removed %d staging and %d unreferenced objects, expired %d claims",
                        c.staging(), c.unreferenced(), c.expiredClaims());
            }
        } catch (RuntimeException e) {
            LOG.warnf("blob collector failed, will retry next run: %s", e.getMessage());
        }
    }

    /**
     * One collection pass; does nothing (and answers zeros) while another replica runs one.
     *
     * @param grace only what is older than this is removed
     */
    public Collected collect(Duration grace) {
        Instant cutoff = Instant.now().minus(grace);
        return QuarkusTransaction.requiringNew().timeout(600)
                .call(() -> {
                    boolean mine = (Boolean) em.createNativeQuery(
                            "select pg_try_advisory_xact_lock(hashtext('modelforge-blob-collector'))").getSingleResult();
                    if (!mine) {
                        return new Collected(0, 0, 0);
                    }
                    int claims = em.createNativeQuery("delete from artifact_claim where claimed_at < :cutoff")
                            .setParameter("cutoff", cutoff).executeUpdate();
                    int staging = 0;
                    for (ObjectStorage.Listed o : storage.list("staging/", config.maxPerRun())) {
                        if (o.lastModified().isBefore(cutoff)) {
                            artifacts.removeQuietly(o.key());
                            staging++;
                        }
                    }
                    int unreferenced = 0;
                    for (ObjectStorage.Listed o : storage.list("sha256/", config.maxPerRun())) {
                        String sha = o.key().substring("sha256/".length());
                        if (o.lastModified().isBefore(cutoff) && unreferenced(sha)) {
                            artifacts.removeQuietly(o.key());
                            unreferenced++;
                        }
                    }
                    meters.counter("modelforge.storage.collected", "kind", "staging").increment(staging);
                    meters.counter("modelforge.storage.collected", "kind", "unreferenced").increment(unreferenced);
                    return new Collected(staging, unreferenced, claims);
                });
    }

    private boolean unreferenced(String sha) {
        artifacts.lockDigest(sha); // held to the end of this transaction: a claim now waits for the removal
        return Artifact.findById(sha) == null && artifacts.claims(sha) == 0;
    }
}
