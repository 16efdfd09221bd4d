package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.ApprovalState;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.promotion.PromotionOutcome;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.variant.VariantEntity;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Generated;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One row of the promotion audit log of a (model, device profile). */
@Entity
@Table(name = "promotion")
public class PromotionEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Insertion order; breaks ties between rows with the same timestamp. */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "model_id")
    public Model model;

    @Column(nullable = false)
    public String profile;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PromotionKind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PromotionOutcome outcome;

    @Enumerated(EnumType.STRING)
    public ApprovalState approval;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "variant_id")
    public VariantEntity variant;

    @Column(name = "decided_version")
    public Integer decidedVersion;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "previous_variant")
    public VariantEntity previousVariant;

    @Column(nullable = false)
    public String reason;

    /** JSON array of {@code CandidateVerdict}, as text. */
    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    public String verdicts;

    @Column(name = "decided_by", nullable = false)
    public String decidedBy;

    @Column(name = "decided_at", nullable = false)
    public Instant decidedAt;

    @Column(name = "effective_at")
    public Instant effectiveAt;

    @Column(name = "reviewed_by")
    public String reviewedBy;

    @Column(name = "reviewed_at")
    public Instant reviewedAt;

    @Column(name = "review_comment")
    public String reviewComment;

    /** The record that made the variant serving at {@code at} (now when null) take effect. */
    public static Optional<PromotionEntity> effective(Model model, String profile, Instant at) {
        return at == null
                ? find("model = ?1 and profile = ?2 and effectiveAt is not null order by effectiveAt desc, seq desc",
                        model, profile).firstResultOptional()
                : find("model = ?1 and profile = ?2 and effectiveAt <= ?3 order by effectiveAt desc, seq desc",
                        model, profile, at).firstResultOptional();
    }

    /**
     * The effective records of many (model, profile) pairs, newest first per pair, with their variants, versions and
     * artifacts, in one query (the first per pair is what {@link #effective} answers).
     */
    public static List<PromotionEntity> effectiveFor(java.util.Collection<String> modelNames,
                                                     java.util.Collection<String> profiles) {
        return modelNames.isEmpty() || profiles.isEmpty() ? List.of()
                : list("from PromotionEntity p join fetch p.model left join fetch p.variant v "
                        + "left join fetch v.version left join fetch v.artifact "
                        + "where p.model.name in ?1 and p.profile in ?2 and p.effectiveAt is not null "
                        + "order by p.effectiveAt desc, p.seq desc", modelNames, profiles);
    }

    /** Effective records, newest first. */
    public static List<PromotionEntity> effectiveHistory(Model model, String profile) {
        return list("model = ?1 and profile = ?2 and effectiveAt is not null order by effectiveAt desc, seq desc",
                model, profile);
    }

    /**
     * A record of the same profile newer than {@code p} that overtakes it: one that took effect (promotion, rollback,
     * approval) or another decision waiting for approval.
     */
    public static Optional<PromotionEntity> newerThan(PromotionEntity p) {
        return find("model = ?1 and profile = ?2 and seq > ?3 and (effectiveAt is not null or approval = ?4)"
                + " order by seq desc", p.model, p.profile, p.seq, ApprovalState.PENDING).firstResultOptional();
    }

    /** The newest record of any outcome. */
    public static Optional<PromotionEntity> latest(Model model, String profile) {
        return find("model = ?1 and profile = ?2 order by seq desc", model, profile).firstResultOptional();
    }

    public static List<PromotionEntity> history(Model model, String profile) {
        return profile == null ? list("model = ?1 order by seq desc", model)
                : list("model = ?1 and profile = ?2 order by seq desc", model, profile);
    }

    /**
     * {@code baseline} when the policy made the unmodified original serve: it never ranks a baseline, so a policy
     * record whose variant is one is always the fallback.
     */
    public String fallback() {
        return kind == PromotionKind.POLICY && variant != null && variant.recipe.isBaseline() ? "baseline" : null;
    }
}
