package dev.modelforge.registry.profile;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;

/**
 * The current revision of a device profile. The whole profile is kept as one JSON document ({@code spec}) because
 * it is read and written as a unit and its inner shape belongs to the API contract, not to SQL queries; the
 * planner only needs {@code active}.
 */
@Entity
@Table(name = "device_profile")
public class DeviceProfileEntity extends PanacheEntityBase {

    @Id
    public String name;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String spec;

    @Column(nullable = false)
    public boolean active;

    @Column(nullable = false)
    public int revision;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    /** Active profiles by name, the planner's input. */
    public static List<DeviceProfileEntity> listActive() {
        return list("active = true order by name");
    }
}
