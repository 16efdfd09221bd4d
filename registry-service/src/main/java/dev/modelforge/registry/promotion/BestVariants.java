package dev.modelforge.registry.promotion;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.promotion.ApprovalState;
import dev.modelforge.api.promotion.BaselineDeltas;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.api.promotion.PromotionOutcome;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.registry.benchmark.BenchmarkJobs;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.storage.ObjectStorage;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.version.ModelVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The best-variant and Pareto queries. */
@ApplicationScoped
public class BestVariants {

    /** A cached answer: everything but the presigned URL. */
    record Served(String modelName, String profile, int version, String variantId, RecipeRef recipe, String sha256,
                  long sizeBytes, String storageKey, String promotionId, Instant promotedAt, String promotedBy,
                  BenchmarkResult benchmark, BaselineDeltas deltas) {
    }

    @Inject
    BestVariantCache cache;

    @Inject
    PromotionConfig config;

    @Inject
    DeviceProfileService profiles;

    @Inject
    Candidates candidates;

    @Inject
    ObjectStorage storage;

    @Inject
    PromotionService promotions;

    private volatile List<DeviceProfile> activeProfiles;
    private volatile long activeLoadedAt;

    public BestVariant byProfile(String model, String profile) {
        return answer(serving(model, profile), false, null);
    }

    public BestVariant byDevice(String model, DeviceResolver.Device device) {
        if (device.arch() == null) {
            throw ProblemException.invalidRequest("give either device=<profile> or a device description with arch "
                    + "(and cores, memoryMb, isa)");
        }
        StringBuilder whyNot = new StringBuilder();
        DeviceResolver.Resolution r = DeviceResolver.resolve(device, active(), whyNot);
        if (r == null) {
            throw PromotionProblems.noMatchingProfile(whyNot.toString());
        }
        return answer(serving(model, r.profile().name()), true, r.why());
    }

    private Served serving(String model, String profile) {
        Object v = cache.get(model, profile, () -> {
            try {
                return QuarkusTransaction.requiringNew().call(() -> load(model, profile));
            } catch (ProblemException e) {
                return e;
            }
        });
        if (v instanceof ProblemException e) {
            throw e;
        }
        return (Served) v;
    }

    private BestVariant answer(Served s, boolean resolved, String why) {
        String file = s.modelName() + "-v" + s.version() + "-" + s.recipe().label().replaceAll("[^A-Za-z0-9._-]+", "_")
                + ".onnx";
        return new BestVariant(s.modelName(), s.profile(), resolved, why, s.version(), s.variantId(), s.recipe(),
                s.sha256(), s.sizeBytes(), storage.presignedGet(s.storageKey(), file), s.promotionId(),
                s.promotedAt(), s.promotedBy(), s.benchmark(), s.deltas());
    }

    /** Profile list for device resolution, re-read at most once per cache TTL (profiles change rarely). */
    private List<DeviceProfile> active() {
        long now = System.nanoTime();
        List<DeviceProfile> list = activeProfiles;
        if (list == null || now - activeLoadedAt > config.cacheTtl().toNanos()) {
            list = QuarkusTransaction.requiringNew().call(profiles::active);
            activeProfiles = list;
            activeLoadedAt = now;
        }
        return list;
    }

    private Served load(String modelName, String profile) {
        Model model = PromotionProblems.model(modelName);
        profiles.get(profile);
        Optional<PromotionEntity> effective = PromotionEntity.effective(model, profile, null);
        if (effective.isEmpty() || effective.get().variant == null) {
            throw PromotionProblems.nothingPromoted("nothing is promoted for '" + modelName + "' on '" + profile
                    + "': " + whyNothing(model, profile));
        }
        PromotionEntity p = effective.get();
        VariantEntity v = p.variant;
        BenchmarkResult bench = candidates.latest(v, profile).orElse(null);
        return new Served(modelName, profile, v.version.version, v.id.toString(), v.recipe, v.artifact.sha256,
                v.artifact.sizeBytes, v.artifact.storageKey, p.id.toString(), p.effectiveAt, p.decidedBy, bench,
                deltas(v, bench, profile));
    }

    private String whyNothing(Model model, String profile) {
        Optional<PromotionEntity> latest = PromotionEntity.latest(model, profile);
        if (latest.isPresent()) {
            PromotionEntity p = latest.get();
            if (p.outcome == PromotionOutcome.NOTHING_ELIGIBLE) {
                return "nothing eligible: " + p.reason;
            }
            if (p.approval == ApprovalState.PENDING) {
                return "pending approval: promotion " + p.id + " awaits a promoter (" + p.reason + ")";
            }
            if (p.approval == ApprovalState.REJECTED) {
                return "promotion " + p.id + " was rejected by " + p.reviewedBy;
            }
        }
        int latestVersion = ModelVersion.latestNumber(model);
        if (latestVersion == 0) {
            return "the model has no versions";
        }
        ModelVersion version = ModelVersion.findVersion(model, latestVersion).orElseThrow();
        PromotionService.Progress progress = promotions.progress(version, profile);
        if (progress.total() == 0) {
            return "no benchmark jobs for v" + latestVersion + " on this profile yet"
                    + (progress.compressionPending() > 0 ? " (" + progress.compressionPending()
                    + " compression job(s) still running)" : "");
        }
        return progress.describe() + " for v" + latestVersion;
    }

    private BaselineDeltas deltas(VariantEntity v, BenchmarkResult bench, String profile) {
        Optional<VariantEntity> baseline = BenchmarkJobs.baselineOf(v.version);
        if (baseline.isEmpty()) {
            return null;
        }
        VariantEntity b = baseline.get();
        BenchmarkResult base = candidates.latest(b, profile).filter(r -> r.status() == BenchmarkStatus.OK).orElse(null);
        Double latencyRatio = null;
        Double ciLow = null;
        Double ciHigh = null;
        Double accuracyDelta = null;
        boolean ok = bench != null && bench.status() == BenchmarkStatus.OK && bench.latency() != null;
        if (ok && bench.comparison() != null) {
            latencyRatio = bench.comparison().ratio();
            ciLow = bench.comparison().ciLow();
            ciHigh = bench.comparison().ciHigh();
        } else if (ok && base != null && base.latency() != null) {
            latencyRatio = v.id.equals(b.id) ? 1.0 : bench.latency().p50Millis() / base.latency().p50Millis();
        }
        if (ok && base != null && base.latency() != null) {
            Double mine = Candidates.measurement(bench, v.id.equals(b.id), v.artifact.sizeBytes).accuracyPercent();
            Double theirs = Candidates.measurement(base, true, b.artifact.sizeBytes).accuracyPercent();
            accuracyDelta = mine == null || theirs == null ? null : mine - theirs;
        }
        return new BaselineDeltas(b.id.toString(), latencyRatio, ciLow, ciHigh,
                (double) v.artifact.sizeBytes / b.artifact.sizeBytes, accuracyDelta);
    }

    /** Every candidate of the version on the profile with its numbers, Pareto-optimal ones marked. */
    public List<ParetoPoint> pareto(ModelVersion version, String profile) {
        if (profile == null || profile.isBlank()) {
            throw ProblemException.invalidRequest("device (a profile name) is required");
        }
        profiles.get(profile);
        List<Candidate> all = candidates.of(version, profile);
        Set<String> front = Pareto.front(all);
        return all.stream().map(c -> {
            Measurement m = c.measurement();
            long size = m != null ? m.sizeBytes()
                    : VariantEntity.<VariantEntity>findById(java.util.UUID.fromString(c.variantId())).artifact.sizeBytes;
            return new ParetoPoint(c.variantId(), c.recipe(), c.baseline(), m != null, c.benchmarkFailure(),
                    m == null ? null : m.p50LatencyMillis(), m == null ? null : m.p95LatencyMillis(), size,
                    m == null ? null : m.accuracyPercent(), front.contains(c.variantId()));
        }).toList();
    }
}
