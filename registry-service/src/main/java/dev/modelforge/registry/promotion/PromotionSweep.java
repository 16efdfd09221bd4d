package dev.modelforge.registry.promotion;

import dev.modelforge.registry.version.ModelVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Catches what the result path cannot: a version whose benchmarks completed without a new result (its last
 * compression job failed, so no variant and no benchmark came), and versions whose benchmarks never all arrive
 * ({@link PromotionConfig#timeout()}). Safe on every replica at once: each (version, profile) is decided under the
 * version's row lock and only while it has undecided jobs.
 */
@ApplicationScoped
public class PromotionSweep {

    private static final Logger LOG = Logger.getLogger(PromotionSweep.class);

    @Inject
    PromotionService promotions;

    @Inject
    PromotionConfig config;

    @Inject
    EntityManager em;

    @Scheduled(every = "${modelforge.promotion.sweep-interval:10s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        List<Object[]> pairs = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select version_id, profile, min(created_at) from benchmark_job where not decided "
                        + "group by version_id, profile").getResultList());
        for (Object[] pair : pairs) {
            Long versionId = ((Number) pair[0]).longValue();
            String profile = (String) pair[1];
            try {
                QuarkusTransaction.requiringNew().run(() -> decideIfDue(versionId, profile));
            } catch (RuntimeException e) {
                LOG.warnf(e, "promotion sweep failed for version %d on %s; retrying next round", versionId, profile);
            }
        }
    }

    private void decideIfDue(Long versionId, String profile) {
        ModelVersion version = em.find(ModelVersion.class, versionId, LockModeType.PESSIMISTIC_WRITE);
        Instant firstUndecided = (Instant) em.createQuery("select min(j.createdAt) from BenchmarkJobEntity j "
                        + "where j.version = ?1 and j.profile = ?2 and j.decided = false")
                .setParameter(1, version).setParameter(2, profile).getSingleResult();
        if (firstUndecided == null) {
            return; // another replica decided meanwhile
        }
        PromotionService.Progress progress = promotions.progress(version, profile);
        if (progress.complete()) {
            promotions.decide(version, profile, null);
        } else if (firstUndecided.plus(config.timeout()).isBefore(Instant.now())) {
            promotions.decide(version, profile, "decided after the " + config.timeout() + " timeout; "
                    + progress.describe());
        }
    }
}
