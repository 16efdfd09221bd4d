package dev.modelforge.registry.promotion;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.registry.benchmark.BenchmarkJobs;
import dev.modelforge.registry.benchmark.BenchmarkResultEntity;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The Pareto query of one version on several profiles at once: two statements (the variants with their artifacts,
 * their results on all the profiles) whatever the number of profiles and variants, where asking per profile cost
 * five per profile plus one per unmeasured variant. Pages that chart every profile use it; the REST route asks for one.
 */
@ApplicationScoped
public class ParetoQuery {

    @Inject
    BenchmarkJobs jobs;

    /**
     * Every candidate of the version on each profile (the variants built for it and the baseline) with its latest
     * numbers there, Pareto-optimal ones marked. The profiles are not validated here.
     */
    public Map<String, List<ParetoPoint>> of(ModelVersion version, Collection<String> profiles) {
        Map<String, List<ParetoPoint>> out = new LinkedHashMap<>();
        if (profiles.isEmpty()) {
            return out;
        }
        List<VariantEntity> variants = VariantEntity.list(
                "select v from VariantEntity v join fetch v.artifact where v.version = ?1 order by v.createdAt, v.id",
                version);
        Map<String, Map<UUID, BenchmarkResult>> latest = new HashMap<>();
        if (!variants.isEmpty()) {
            // ordered oldest first, so the last put per (profile, variant) is its newest result
            for (BenchmarkResultEntity r : BenchmarkResultEntity.<BenchmarkResultEntity>list(
                    "variantId in ?1 and profile in ?2 order by receivedAt, jobId",
                    variants.stream().map(v -> v.id).toList(), profiles)) {
                latest.computeIfAbsent(r.profile, p -> new HashMap<>()).put(r.variantId, jobs.read(r.result));
            }
        }
        Map<String, Long> sizes = new HashMap<>();
        variants.forEach(v -> sizes.put(v.id.toString(), v.artifact.sizeBytes));
        for (String profile : profiles) {
            Map<UUID, BenchmarkResult> results = latest.getOrDefault(profile, Map.of());
            List<Candidate> all = variants.stream()
                    .filter(v -> v.profiles.contains(profile) || BenchmarkJobs.isBaseline(v))
                    .map(v -> Candidates.candidate(v, results.get(v.id))).toList();
            Set<String> front = Pareto.front(all);
            out.put(profile, all.stream().map(c -> {
                Measurement m = c.measurement();
                return new ParetoPoint(c.variantId(), c.recipe(), c.baseline(), m != null, c.benchmarkFailure(),
                        m == null ? null : m.p50LatencyMillis(), m == null ? null : m.p95LatencyMillis(),
                        m != null ? m.sizeBytes() : sizes.get(c.variantId()),
                        m == null ? null : m.accuracyPercent(), front.contains(c.variantId()));
            }).toList());
        }
        return out;
    }
}
