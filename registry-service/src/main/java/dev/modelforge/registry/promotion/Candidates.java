package dev.modelforge.registry.promotion;

import dev.modelforge.api.benchmark.AccuracyKind;
import dev.modelforge.api.benchmark.AccuracyMetrics;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.registry.benchmark.BenchmarkJobs;
import dev.modelforge.registry.benchmark.BenchmarkResultEntity;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Turns stored variants and benchmark results into what {@link PolicyEngine} decides on. */
@ApplicationScoped
public class Candidates {

    @Inject
    BenchmarkJobs jobs;

    /** Every variant of the version that serves the profile, the baseline included, with its latest result there. */
    public List<Candidate> of(ModelVersion version, String profile) {
        List<VariantEntity> variants = VariantEntity.listFor(version).stream()
                .filter(v -> v.profiles.contains(profile) || BenchmarkJobs.isBaseline(v)).toList();
        Map<UUID, BenchmarkResult> latest = latestResults(variants.stream().map(v -> v.id).toList(), profile);
        List<Candidate> out = new ArrayList<>();
        for (VariantEntity v : variants) {
            out.add(candidate(v, latest.get(v.id)));
        }
        return out;
    }

    /** The variant as a candidate with its latest result on the profile (champions, manual promotions). */
    public Candidate of(VariantEntity v, String profile) {
        return candidate(v, BenchmarkResultEntity.latest(v.id, profile).map(r -> jobs.read(r.result)).orElse(null));
    }

    /** The latest result of the variant on the profile, ok or failed. */
    public Optional<BenchmarkResult> latest(VariantEntity v, String profile) {
        return BenchmarkResultEntity.latest(v.id, profile).map(r -> jobs.read(r.result));
    }

    private Map<UUID, BenchmarkResult> latestResults(List<UUID> ids, String profile) {
        Map<UUID, BenchmarkResult> latest = new HashMap<>();
        // ordered oldest first, so the last put per variant is its newest result
        for (BenchmarkResultEntity r : BenchmarkResultEntity.forVariants(ids, profile)) {
            latest.put(r.variantId, jobs.read(r.result));
        }
        return latest;
    }

    static Candidate candidate(VariantEntity v, BenchmarkResult r) {
        boolean baseline = BenchmarkJobs.isBaseline(v);
        String id = v.id.toString();
        String recipe = v.recipe.label();
        if (r == null) {
            return new Candidate(id, v.version.version, recipe, baseline, null, null);
        }
        if (r.status() != BenchmarkStatus.OK || r.latency() == null) {
            String why = r.failureReason() == null ? "no latency measured"
                    : r.failureReason().name().toLowerCase(java.util.Locale.ROOT)
                    + (r.failureDetail() == null ? "" : " (" + r.failureDetail() + ")");
            return new Candidate(id, v.version.version, recipe, baseline, null, why);
        }
        return Candidate.measured(id, v.version.version, recipe, baseline, measurement(r, baseline, v.artifact.modelBytes));
    }

    /**
     * Accuracy in percent: top-1 against labels when there are labels, else top-1 agreement with the baseline;
     * the baseline agrees with itself by definition, so its fidelity is 100%.
     */
    static Measurement measurement(BenchmarkResult r, boolean baseline, long artifactSize) {
        Double accuracy = null;
        AccuracyMetrics a = r.accuracy();
        if (a != null) {
            if (a.top1Accuracy() != null) {
                accuracy = a.top1Accuracy() * 100;
            } else if (a.top1Agreement() != null) {
                accuracy = a.top1Agreement() * 100;
            } else if (baseline && a.kind() == AccuracyKind.FIDELITY) {
                accuracy = 100.0;
            }
        }
        Double ratio = r.comparison() == null ? null : r.comparison().ratio();
        Double ciHigh = r.comparison() == null ? null : r.comparison().ciHigh();
        return new Measurement(r.emulated(), r.latency().p50Millis(), r.latency().p95Millis(), ratio, ciHigh,
                artifactSize, r.peakRssMb(), accuracy);
    }
}
