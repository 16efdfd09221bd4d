package dev.modelforge.registry.promotion;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.promotion.ApprovalState;
import dev.modelforge.api.promotion.BaselineDeltas;
import dev.modelforge.api.promotion.PromotionOutcome;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.registry.benchmark.BenchmarkJobs;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.version.ModelVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.modelforge.registry.benchmark.BenchmarkResultEntity;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** Reads what serves a (model, profile) from the database, for {@link BestVariantCache}. Blocking. */
@ApplicationScoped
public class BestVariantLoader {

    /**
     * What serves a (model, profile), everything but the presigned URL; {@code rendered} holds the answer's
     * serialized forms and the URL they carry, filled on first use (see {@link BestAnswers}).
     */
    record Served(String modelName, String profile, int version, String variantId, RecipeRef recipe, String sha256,
                  long sizeBytes, String storageKey, String fileName, String promotionId, Instant promotedAt,
                  String promotedBy, BenchmarkResult benchmark, BaselineDeltas deltas, String fallback,
                  String fallbackReason,
                  AtomicReference<BestAnswers.Rendered> rendered) {
    }

    @Inject
    DeviceProfileService profiles;

    @Inject
    Candidates candidates;

    @Inject
    PromotionService promotions;

    @Inject
    BenchmarkJobs jobs;

    /** The answer, or the {@link ProblemException} that answers "nothing serves here" (cached alike). */
    Object load(String model, String profile) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> read(model, profile));
        } catch (ProblemException e) {
            return e;
        }
    }

    private Served read(String modelName, String profile) {
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
                v.artifact.sizeBytes, v.artifact.storageKey, v.downloadName(), p.id.toString(), p.effectiveAt,
                p.decidedBy, bench,
                deltas(v, bench, profile), p.fallback(), p.fallback() == null ? null : p.reason,
                new AtomicReference<>());
    }

    /**
     * The answers of many pairs read together, for a page that lists them: the effective promotions, the versions'
     * baselines and the latest benchmark results of all of them in three queries, instead of those reads per pair.
     * A pair where nothing serves is read alone (its reason depends on that pair's own history).
     */
    Map<BestVariantCache.Key, Object> loadAll(Set<? extends BestVariantCache.Key> keys) {
        Map<BestVariantCache.Key, Object> out = new HashMap<>();
        Set<BestVariantCache.Key> alone = new HashSet<>();
        QuarkusTransaction.requiringNew().run(() -> readAll(keys, out, alone));
        alone.forEach(k -> out.put(k, load(k.model(), k.profile())));
        return out;
    }

    private void readAll(Set<? extends BestVariantCache.Key> keys, Map<BestVariantCache.Key, Object> out,
                         Set<BestVariantCache.Key> alone) {
        Set<String> modelNames = new HashSet<>();
        Set<String> profileNames = new HashSet<>();
        keys.forEach(k -> {
            modelNames.add(k.model());
            profileNames.add(k.profile());
        });
        Map<BestVariantCache.Key, PromotionEntity> effective = new HashMap<>();
        for (PromotionEntity p : PromotionEntity.effectiveFor(modelNames, profileNames)) {
            effective.putIfAbsent(new BestVariantCache.Key(p.model.name, p.profile), p); // newest first
        }
        Set<String> knownProfiles = new HashSet<>();
        profileNames.forEach(n -> profiles.find(n).ifPresent(d -> knownProfiles.add(n)));
        Set<ModelVersion> versions = new HashSet<>();
        Set<UUID> variantIds = new HashSet<>();
        for (BestVariantCache.Key k : keys) {
            PromotionEntity p = effective.get(k);
            if (p == null || p.variant == null || !knownProfiles.contains(k.profile())) {
                alone.add(k);
            } else {
                versions.add(p.variant.version);
                variantIds.add(p.variant.id);
            }
        }
        Map<Object, VariantEntity> baselines = new HashMap<>(); // by version id
        BenchmarkJobs.baselinesOf(versions).forEach(b -> {
            baselines.putIfAbsent(b.version.id, b);
            variantIds.add(b.id);
        });
        Map<String, BenchmarkResultEntity> results = new HashMap<>();
        // oldest first, so the last put per (variant, profile) is its newest result
        BenchmarkResultEntity.allFor(variantIds, profileNames)
                .forEach(r -> results.put(r.variantId + "\n" + r.profile, r));
        for (BestVariantCache.Key k : keys) {
            if (alone.contains(k)) {
                continue;
            }
            PromotionEntity p = effective.get(k);
            VariantEntity v = p.variant;
            BenchmarkResult bench = read(results.get(v.id + "\n" + k.profile()));
            VariantEntity b = baselines.get(v.version.id);
            BaselineDeltas deltas = b == null ? null
                    : deltas(v, bench, b, read(results.get(b.id + "\n" + k.profile())));
            out.put(k, new Served(k.model(), k.profile(), v.version.version, v.id.toString(), v.recipe,
                    v.artifact.sha256, v.artifact.sizeBytes, v.artifact.storageKey, v.downloadName(), p.id.toString(),
                    p.effectiveAt, p.decidedBy, bench, deltas, p.fallback(), p.fallback() == null ? null : p.reason,
                    new AtomicReference<>()));
        }
    }

    private BenchmarkResult read(BenchmarkResultEntity r) {
        return r == null ? null : jobs.read(r.result);
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
        return baseline.isEmpty() ? null
                : deltas(v, bench, baseline.get(), candidates.latest(baseline.get(), profile).orElse(null));
    }

    /** The numbers against the version's baseline {@code b}, whose latest result on the profile is {@code latest}. */
    private static BaselineDeltas deltas(VariantEntity v, BenchmarkResult bench, VariantEntity b,
                                         BenchmarkResult latest) {
        BenchmarkResult base = latest != null && latest.status() == BenchmarkStatus.OK ? latest : null;
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
            Double mine = Candidates.measurement(bench, v.id.equals(b.id), v.artifact.modelBytes).accuracyPercent();
            Double theirs = Candidates.measurement(base, true, b.artifact.modelBytes).accuracyPercent();
            accuracyDelta = mine == null || theirs == null ? null : mine - theirs;
        }
        return new BaselineDeltas(b.id.toString(), latencyRatio, ciLow, ciHigh,
                (double) v.artifact.modelBytes / b.artifact.modelBytes, accuracyDelta);
    }
}
