package dev.modelforge.registry.model;

import dev.modelforge.api.model.ModelDto;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A named model; its versions hang off it. */
@Entity
@Table(name = "model")
public class Model extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true, length = 128)
    public String name;

    public String description;

    @Column(nullable = false)
    public String owner;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]", nullable = false)
    public List<String> tags = new ArrayList<>();

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The key that last changed its metadata, {@code key:<id>}; null until then. */
    @Column(name = "updated_by")
    public String updatedBy;

    public static Optional<Model> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    /** The model row locked for update: serialises version numbering per model across replicas. */
    public static Optional<Model> lockByName(String name) {
        return find("name", name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public ModelDto toDto(int latestVersion) {
        return new ModelDto(id, name, description, owner, List.copyOf(tags), latestVersion, createdAt, updatedAt);
    }
}
