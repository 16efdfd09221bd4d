package dev.modelforge.registry.version;

import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.api.version.SignatureDto;
import dev.modelforge.api.version.SourceMetadata;
import dev.modelforge.api.version.VersionStatus;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.model.Model;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One uploaded version of a model: its artifact, datasets, signature and lifecycle. */
@Entity
@Table(name = "model_version")
public class ModelVersion extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "model_id")
    public Model model;

    @Column(nullable = false)
    public int version;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public VersionStatus status;

    @ManyToOne(optional = false)
    @JoinColumn(name = "artifact_sha256")
    public Artifact artifact;

    @ManyToOne
    @JoinColumn(name = "eval_sha256")
    public Artifact eval;

    @ManyToOne
    @JoinColumn(name = "calibration_sha256")
    public Artifact calibration;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public SignatureDto signature;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public SourceMetadata source;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "archived_at")
    public Instant archivedAt;

    /** The key that archived it, {@code key:<id>}. */
    @Column(name = "archived_by")
    public String archivedBy;

    public static Optional<ModelVersion> findVersion(Model model, int version) {
        return find("model = ?1 and version = ?2", model, version).firstResultOptional();
    }

    public static Optional<ModelVersion> findByIdempotencyKey(Model model, String key) {
        return find("model = ?1 and idempotencyKey = ?2", model, key).firstResultOptional();
    }

    public static List<ModelVersion> listFor(Model model, boolean includeArchived) {
        return includeArchived
                ? list("model = ?1 order by version", model)
                : list("model = ?1 and status <> ?2 order by version", model, VersionStatus.ARCHIVED);
    }

    /** The newest version that is not archived, or the newest of all when every one is. */
    public static Optional<ModelVersion> latestActive(Model model) {
        Optional<ModelVersion> active = find("model = ?1 and status <> ?2 order by version desc", model,
                VersionStatus.ARCHIVED).firstResultOptional();
        return active.isPresent() ? active : find("model = ?1 order by version desc", model).firstResultOptional();
    }

    /** Highest version number of {@code model}, 0 if it has none. */
    /** {@link #latestNumber} of many models in one query, by model id (a model without versions is absent). */
    public static java.util.Map<Long, Integer> latestNumbers(java.util.Collection<Model> models) {
        java.util.Map<Long, Integer> out = new java.util.HashMap<>();
        if (!models.isEmpty()) {
            getEntityManager().createQuery("select v.model.id, max(v.version) from ModelVersion v where v.model in :models "
                            + "group by v.model.id", Object[].class).setParameter("models", models).getResultList()
                    .forEach(r -> out.put((Long) r[0], (Integer) r[1]));
        }
        return out;
    }

    public static int latestNumber(Model model) {
        Integer max = find("select max(v.version) from ModelVersion v where v.model = ?1", model)
                .project(Integer.class).firstResult();
        return max == null ? 0 : max;
    }

    public ModelVersionDto toDto() {
        return new ModelVersionDto(model.id, model.name, version, status, artifact.toDto(),
                eval == null ? null : eval.toDto(), calibration == null ? null : calibration.toDto(),
                signature, source, createdBy, createdAt);
    }
}
