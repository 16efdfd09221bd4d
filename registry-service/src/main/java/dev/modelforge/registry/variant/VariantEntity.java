package dev.modelforge.registry.variant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.version.ModelVersion;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A variant of a model version: (version, recipe, tool version) → artifact + compression report. */
@Entity
@Table(name = "variant")
public class VariantEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "version_id")
    public ModelVersion version;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public RecipeRef recipe;

    @Column(name = "recipe_hash", nullable = false, length = 64)
    public String recipeHash;

    @Column(name = "tool_version", nullable = false)
    public String toolVersion;

    @ManyToOne(optional = false)
    @JoinColumn(name = "artifact_sha256")
    public Artifact artifact;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode report;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]", nullable = false)
    public List<String> profiles = new ArrayList<>();

    @Column(name = "job_id")
    public UUID jobId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static Optional<VariantEntity> findFor(ModelVersion version, String recipeHash, String toolVersion) {
        return find("version = ?1 and recipeHash = ?2 and toolVersion = ?3", version, recipeHash, toolVersion)
                .firstResultOptional();
    }

    public static List<VariantEntity> listFor(ModelVersion version) {
        return list("version = ?1 order by createdAt, id", version);
    }

    public static List<VariantEntity> listForRecipe(ModelVersion version, String recipeHash) {
        return list("version = ?1 and recipeHash = ?2", version, recipeHash);
    }

    /** The file name a download of this variant is saved under: model, version and recipe. */
    public String downloadName() {
        return version.model.name + "-v" + version.version + "-"
                + recipe.label().replaceAll("[^A-Za-z0-9._-]+", "_") + ".onnx";
    }

    public Variant toApi() {
        return new Variant(id.toString(), version.model.name, version.version, recipe, recipeHash, toolVersion,
                artifact.sha256, artifact.sizeBytes, artifact.storageKey, report, List.copyOf(profiles),
                jobId == null ? null : jobId.toString(), createdAt);
    }
}
