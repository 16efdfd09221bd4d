package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.registry.job.WorkerJob;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.util.List;

/** One measurement of one variant on one device profile; a re-benchmark is a new row. */
@Entity
@Table(name = "benchmark_job")
public class BenchmarkJobEntity extends WorkerJob {

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "variant_id")
    public VariantEntity variant;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "version_id")
    public ModelVersion version;

    @Column(nullable = false)
    public String profile;

    @Column(nullable = false)
    public String reason;

    /** Whether a promotion decision has already taken this job's outcome into account. */
    @Column(nullable = false)
    public boolean decided;

    public static List<BenchmarkJobEntity> listFor(ModelVersion version) {
        return list("version = ?1 order by createdAt, id", version);
    }

    public static List<BenchmarkJobEntity> listFor(ModelVersion version, String profile) {
        return list("version = ?1 and profile = ?2 order by createdAt, id", version, profile);
    }

    public BenchmarkJobView toApi() {
        return new BenchmarkJobView(id.toString(), variant.id.toString(), version.model.name, version.version,
                variant.recipe.label(), profile, status, reason, workerId, error, createdAt, updatedAt);
    }
}
