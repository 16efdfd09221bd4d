package dev.modelforge.registry.job;

import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One compression job: a (version, recipe) pair, planned once and run by the compression workers. */
@Entity
@Table(name = "compression_job")
public class CompressionJobEntity extends WorkerJob {

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "version_id")
    public ModelVersion version;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public RecipeRef recipe;

    @Column(name = "recipe_hash", nullable = false, length = 64)
    public String recipeHash;

    /** Names of the profiles the result serves; grows when a backfill reuses the job. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]", nullable = false)
    public List<String> profiles = new ArrayList<>();

    @Column(name = "progress_percent", nullable = false)
    public int progressPercent;

    @Column(name = "variant_id")
    public UUID variantId;

    public static Optional<CompressionJobEntity> findFor(ModelVersion version, String recipeHash) {
        return find("version = ?1 and recipeHash = ?2", version, recipeHash).firstResultOptional();
    }

    public static List<CompressionJobEntity> listFor(ModelVersion version) {
        return list("version = ?1 order by createdAt, id", version);
    }

    public CompressionJob toApi() {
        return new CompressionJob(id.toString(), version.model.name, version.version, recipe, recipeHash,
                List.copyOf(profiles), status, attempts, progressPercent, workerId, error,
                variantId == null ? null : variantId.toString(), createdAt, startedAt, updatedAt, finishedAt);
    }
}
