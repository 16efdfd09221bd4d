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

import java.time.Instant;
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
}
