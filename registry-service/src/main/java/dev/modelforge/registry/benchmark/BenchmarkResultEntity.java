package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.BenchmarkStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A benchmark result exactly as the worker posted it, keyed by its job (the idempotency key). */
@Entity
@Table(name = "benchmark_result")
public class BenchmarkResultEntity extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public UUID jobId;

    @Column(name = "variant_id", nullable = false)
    public UUID variantId;

    @Column(nullable = false)
    public String profile;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public BenchmarkStatus status;

    @Column(name = "ort_version")
    public String ortVersion;

    @Column(nullable = false)
    public boolean emulated;

    /** The posted JSON as text, serialised by the REST ObjectMapper (Instants and all) and returned unchanged. */
    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    public String result;

    @Column(name = "measured_at")
    public Instant measuredAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    public static List<BenchmarkResultEntity> listFor(UUID variantId) {
        return list("variantId = ?1 order by receivedAt, jobId", variantId);
    }

    /** The newest result of the variant on the profile, ok or failed. */
    public static Optional<BenchmarkResultEntity> latest(UUID variantId, String profile) {
        return find("variantId = ?1 and profile = ?2 order by receivedAt desc, jobId desc", variantId, profile)
                .firstResultOptional();
    }

    /** Every result of the variants (on any of the profiles when given), oldest first, in one query. */
    public static List<BenchmarkResultEntity> allFor(Collection<UUID> variantIds, Collection<String> profiles) {
        if (variantIds.isEmpty()) {
            return List.of();
        }
        return profiles == null ? list("variantId in ?1 order by receivedAt, jobId", variantIds)
                : list("variantId in ?1 and profile in ?2 order by receivedAt, jobId", variantIds, profiles);
    }

    /** Newest result per variant on the profile, for many variants in one query. */
    public static List<BenchmarkResultEntity> forVariants(Collection<UUID> variantIds, String profile) {
        return variantIds.isEmpty() ? List.of()
                : list("variantId in ?1 and profile = ?2 order by receivedAt, jobId", variantIds, profile);
    }
}
