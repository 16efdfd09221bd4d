package dev.modelforge.registry.profile;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;

/** An append-only history row: what a profile looked like after each change, including deletions. */
@Entity
@Table(name = "device_profile_revision")
public class DeviceProfileRevisionEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public int revision;

    @JdbcTypeCode(SqlTypes.JSON)
    public String spec;

    @Column(nullable = false)
    public boolean deleted;

    @Column(name = "changed_by", nullable = false)
    public String changedBy;

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;

    /** Revisions of one profile, oldest first. */
    public static List<DeviceProfileRevisionEntity> history(String name) {
        return list("name = ?1 order by revision", name);
    }

    /** The highest revision ever used for the name (also across deletions), 0 when never seen. */
    public static int lastRevision(String name) {
        Integer max = getEntityManager()
                .createQuery("select max(r.revision) from DeviceProfileRevisionEntity r where r.name = ?1", Integer.class)
                .setParameter(1, name)
                .getSingleResult();
        return max == null ? 0 : max;
    }
}
