package dev.modelforge.registry.promotion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.promotion.ApprovalState;
import dev.modelforge.api.promotion.CandidateVerdict;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.promotion.PromotionOutcome;
import dev.modelforge.api.promotion.PromotionPolicy;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.registry.benchmark.BenchmarkJobEntity;
import dev.modelforge.registry.benchmark.BenchmarkRecorded;
import dev.modelforge.registry.events.Outbox;
import dev.modelforge.registry.job.CompressionJobEntity;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.version.ModelVersion;
import dev.modelforge.api.version.VersionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Runs the profile's policy when a version's benchmarks on it are complete and records every decision: the audit log
 * row and its {@code modelforge.promotions} event are written in one transaction.
 */
@ApplicationScoped
public class PromotionService {

    /** {@code decidedBy} of policy decisions. */
    public static final String POLICY_ACTOR = "policy";

    @Inject
    Candidates candidates;

    @Inject
    DeviceProfileService profiles;

    @Inject
    Outbox outbox;

    @Inject
    ObjectMapper json;

    @Inject
    EntityManager em;

    @Inject
    Event<PromotionChanged> changed;

    @Inject
    ChampionGates gates;

    /** How far the benchmarks of a version on a profile are. */
    public record Progress(long done, long total, long compressionPending) {
        public boolean complete() {
            return total > 0 && done == total && compressionPending == 0;
        }

        public String describe() {
            return "benchmarks pending: " + done + " of " + total + " done"
                    + (compressionPending > 0 ? ", " + compressionPending + " compression job(s) still running" : "");
        }
    }

    public Progress progress(ModelVersion version, String profile) {
        List<BenchmarkJobEntity> jobs = BenchmarkJobEntity.listFor(version, profile);
        long done = jobs.stream().filter(j -> j.status.isTerminal()).count();
        long compressing = CompressionJobEntity.listFor(version).stream()
                .filter(j -> j.profiles.contains(profile) && !j.status.isTerminal()).count();
        return new Progress(done, jobs.size(), compressing);
    }

    /** In the result's transaction (the version row is locked by the recorder): decide once the set is complete. */
    @Transactional(Transactional.TxType.MANDATORY)
    void onBenchmark(@Observes BenchmarkRecorded recorded) {
        ModelVersion version = ModelVersion.findById(recorded.versionId());
        if (progress(version, recorded.profile()).complete()) {
            decide(version, recorded.profile(), null);
        }
    }

    /**
     * Decides for the version on the profile and records it. {@code timeoutNote} is set when the decision is forced
     * by the timeout; the reason then says how many results were in.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<PromotionEntity> decide(ModelVersion version, String profileName, String timeoutNote) {
        Optional<DeviceProfile> profile = profiles.find(profileName);
        BenchmarkJobEntity.update("decided = true where version = ?1 and profile = ?2", version, profileName);
        if (profile.isEmpty()) {
            return Optional.empty(); // deleted meanwhile: nothing serves it any more
        }
        Model model = version.model;
        Optional<PromotionEntity> current = PromotionEntity.effective(model, profileName, null);
        Optional<Candidate> champion = current.map(p -> p.variant).map(v -> candidates.of(v, profileName));
        Decision decision;
        try {
            PromotionPolicy policy = Policies.parse(profile.get().policy());
            if (version.status == VersionStatus.ARCHIVED) {
                decision = new Decision(Decision.Outcome.NOTHING_ELIGIBLE, champion.orElse(null), "v" + version.version
                        + " is archived, and archived versions are never promoted"
                        + champion.map(ch -> "; " + ch.label() + " keeps serving").orElse(""), List.of());
            } else {
                ChampionGate gate = gates.of(version, profileName, current.map(c -> c.variant).orElse(null));
                decision = PolicyEngine.decide(policy, candidates.of(version, profileName), champion, gate,
                        profile.get().limits());
            }
        } catch (IllegalArgumentException e) {
            decision = new Decision(Decision.Outcome.NOTHING_ELIGIBLE, champion.orElse(null),
                    "the profile's policy is unreadable: " + e.getMessage(), List.of());
        }
        PromotionEntity p = newRecord(model, profileName, PromotionKind.POLICY, POLICY_ACTOR);
        p.outcome = PromotionOutcome.valueOf(decision.outcome().name());
        p.approval = decision.outcome() == Decision.Outcome.PENDING_APPROVAL ? ApprovalState.PENDING : null;
        p.variant = decision.winner() == null ? null
                : VariantEntity.findById(java.util.UUID.fromString(decision.winner().variantId()));
        p.decidedVersion = version.version;
        p.previousVariant = current.map(c -> c.variant).orElse(null);
        p.reason = timeoutNote == null ? decision.reason() : decision.reason() + " (" + timeoutNote + ")";
        p.verdicts = write(decision.verdicts().stream().map(v -> new CandidateVerdict(v.variantId(), v.modelVersion(),
                v.recipe(), v.eligible(), v.rank(), v.reasons())).toList());
        p.effectiveAt = decision.outcome() == Decision.Outcome.PROMOTED ? p.decidedAt : null;
        return Optional.of(save(p, Promotion.EVENT_DECIDED));
    }

    @Transactional
    public Promotion review(String id, boolean approve, String actor, String comment) {
        PromotionEntity p = PromotionProblems.parse(id)
                .map(u -> em.find(PromotionEntity.class, u, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> PromotionProblems.notFound(id));
        if (p.approval != ApprovalState.PENDING) {
            throw PromotionProblems.notPending(id, p.approval == null ? p.outcome.json() : p.approval.json());
        }
        if (approve) {
            lockModel(p.model);
            PromotionEntity.newerThan(p).ifPresent(newer -> {
                throw PromotionProblems.stale(id, newer.id + " (" + newer.kind.name().toLowerCase(java.util.Locale.ROOT)
                        + ", " + (newer.effectiveAt != null ? "in effect since " + newer.effectiveAt : "pending") + ")");
            });
            if (p.variant != null && p.variant.version.status == VersionStatus.ARCHIVED) {
                throw PromotionProblems.archived(p.model.name, p.variant.version.version);
            }
        }
        Instant now = now();
        p.approval = approve ? ApprovalState.APPROVED : ApprovalState.REJECTED;
        p.reviewedBy = actor;
        p.reviewedAt = now;
        p.reviewComment = comment;
        if (approve) {
            p.effectiveAt = now;
        }
        return toApi(save(p, Promotion.EVENT_REVIEWED));
    }

    @Transactional
    public Promotion promote(String modelName, String device, String variantId, String reason, String actor) {
        Model model = PromotionProblems.model(modelName);
        requireProfile(device);
        requireReason(reason);
        VariantEntity variant = PromotionProblems.parse(variantId).map(u -> VariantEntity.<VariantEntity>findById(u))
                .filter(v -> v.version.model.id.equals(model.id))
                .orElseThrow(() -> PromotionProblems.invalid("model '" + modelName + "' has no variant '" + variantId + "'"));
        if (!variant.profiles.contains(device) && !dev.modelforge.registry.benchmark.BenchmarkJobs.isBaseline(variant)) {
            throw PromotionProblems.invalid("variant " + variantId + " was not built for profile '" + device
                    + "' (it serves " + variant.profiles + ")");
        }
        lockModel(model);
        em.refresh(variant.version); // archiving locks the model row too: read its status after taking the lock
        if (variant.version.status == VersionStatus.ARCHIVED) {
            throw PromotionProblems.archived(modelName, variant.version.version);
        }
        PromotionEntity p = newRecord(model, device, PromotionKind.MANUAL, actor);
        p.previousVariant = PromotionEntity.effective(model, device, null).map(c -> c.variant).orElse(null);
        return toApi(save(effective(p, variant, reason), Promotion.EVENT_DECIDED));
    }

    @Transactional
    public Promotion rollback(String modelName, String device, String reason, String actor) {
        Model model = PromotionProblems.model(modelName);
        requireProfile(device);
        requireReason(reason);
        lockModel(model);
        List<PromotionEntity> history = PromotionEntity.effectiveHistory(model, device);
        if (history.isEmpty() || history.get(0).variant == null) {
            throw PromotionProblems.invalid("nothing serves '" + modelName + "' on '" + device + "', so there is nothing to roll back");
        }
        VariantEntity currentVariant = history.get(0).variant;
        VariantEntity previous = history.stream().skip(1).map(h -> h.variant)
                .filter(v -> v != null && !v.id.equals(currentVariant.id))
                .filter(v -> v.version.status != VersionStatus.ARCHIVED).findFirst()
                .orElseThrow(() -> PromotionProblems.invalid("no variant served '" + modelName + "' on '" + device
                        + "' before " + currentVariant.id + " (archived versions excluded), so there is nothing to roll back to"));
        PromotionEntity p = newRecord(model, device, PromotionKind.ROLLBACK, actor);
        p.previousVariant = currentVariant;
        return toApi(save(effective(p, previous, reason), Promotion.EVENT_DECIDED));
    }

    /** The audit log, newest first; with {@code at}, only the record that made the variant serving then. */
    public List<Promotion> history(String modelName, String device, Instant at) {
        Model model = PromotionProblems.model(modelName);
        if (at != null) {
            if (device == null) {
                throw dev.modelforge.registry.error.ProblemException.invalidRequest("'at' needs 'device'");
            }
            return PromotionEntity.effective(model, device, at).map(this::toApi).stream().toList();
        }
        return PromotionEntity.history(model, device).stream().map(this::toApi).toList();
    }

    public Promotion get(String id) {
        return PromotionProblems.parse(id).map(u -> PromotionEntity.<PromotionEntity>findById(u)).map(this::toApi)
                .orElseThrow(() -> PromotionProblems.notFound(id));
    }

    private static PromotionEntity effective(PromotionEntity p, VariantEntity variant, String reason) {
        p.outcome = PromotionOutcome.PROMOTED;
        p.variant = variant;
        p.reason = reason;
        p.verdicts = "[]";
        p.effectiveAt = p.decidedAt;
        return p;
    }

    /** Serialises promotion writes per model, so two promoters cannot both read the same "previous" variant. */
    private void lockModel(Model model) {
        em.lock(model, LockModeType.PESSIMISTIC_WRITE);
    }

    private PromotionEntity newRecord(Model model, String profile, PromotionKind kind, String actor) {
        PromotionEntity p = new PromotionEntity();
        p.id = java.util.UUID.randomUUID();
        p.model = model;
        p.profile = profile;
        p.kind = kind;
        p.decidedBy = actor;
        p.decidedAt = now();
        return p;
    }

    private PromotionEntity save(PromotionEntity p, String eventType) {
        if (!em.contains(p)) {
            p.persist();
        }
        em.flush(); // reads back the generated seq
        String modelId = String.valueOf(p.model.id);
        outbox.record("model", modelId, eventType, Promotion.TOPIC, modelId, toApi(p));
        changed.fire(new PromotionChanged(p.model.name, p.profile));
        return p;
    }

    private void requireProfile(String device) {
        if (device == null || device.isBlank()) {
            throw dev.modelforge.registry.error.ProblemException.invalidRequest("device (a profile name) is required");
        }
        profiles.get(device);
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw dev.modelforge.registry.error.ProblemException.invalidRequest("reason is required for the audit log");
        }
    }

    public Promotion toApi(PromotionEntity p) {
        List<CandidateVerdict> verdicts;
        try {
            verdicts = json.readValue(p.verdicts, new TypeReference<List<CandidateVerdict>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored verdicts unreadable", e);
        }
        VariantEntity v = p.variant;
        return new Promotion(p.id.toString(), p.model.name, p.profile, p.kind, p.outcome, p.approval,
                v == null ? null : v.version.version, v == null ? null : v.id.toString(),
                v == null ? null : v.recipe.label(), p.decidedVersion,
                p.previousVariant == null ? null : p.previousVariant.id.toString(), p.reason, verdicts, p.decidedBy,
                p.decidedAt, p.effectiveAt, p.reviewedBy, p.reviewedAt, p.reviewComment, p.fallback());
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
