package dev.modelforge.registry.planner;

import dev.modelforge.api.benchmark.BenchmarkWorkers;
import dev.modelforge.api.version.VersionStatus;
import dev.modelforge.registry.benchmark.BenchmarkJobEntity;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.promotion.PromotionChanged;
import dev.modelforge.registry.version.ModelVersion;
import dev.modelforge.registry.workers.WorkerPresence;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A benchmarking version becomes {@code ready} once every profile that a live benchmark worker serves has decided on
 * it: a profile nobody serves (no member in its consumer group, {@link WorkerPresence}) keeps its jobs queued for
 * when a worker comes, but does not hold the version in {@code benchmarking} until the promotion timeout. A version
 * none of whose profiles is served is left alone (the timeout sweep decides). Checked after every decision.
 */
@ApplicationScoped
public class VersionReadiness {
    private static final Logger LOG = Logger.getLogger(VersionReadiness.class);

    @Inject
    WorkerPresence presence;

    void onDecision(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromotionChanged changed) {
        try {
            QuarkusTransaction.requiringNew().run(() -> check(changed.modelName()));
        } catch (RuntimeException e) {
            // Readiness is a summary; the next decision checks again.
            LOG.warnf("cannot update the readiness of %s: %s", changed.modelName(), e.getMessage());
        }
    }

    void check(String modelName) {
        Model model = Model.findByName(modelName).orElse(null);
        if (model == null) {
            return;
        }
        for (ModelVersion v : ModelVersion.listFor(model, false)) {
            if (v.status != VersionStatus.BENCHMARKING) {
                continue;
            }
            List<BenchmarkJobEntity> jobs = BenchmarkJobEntity.list("version", v);
            Set<String> profiles = jobs.stream().map(j -> j.profile).collect(Collectors.toCollection(
                    java.util.TreeSet::new));
            // Unknown (the broker could not be asked) counts as served: never skip a profile on a guess.
            Set<String> served = presence.of(profiles).stream().filter(w -> w.members() != 0)
                    .map(BenchmarkWorkers::profile).collect(Collectors.toSet());
            if (!served.isEmpty() && jobs.stream().filter(j -> served.contains(j.profile)).allMatch(j -> j.decided)) {
                v.status = VersionStatus.READY;
            }
        }
    }
}
