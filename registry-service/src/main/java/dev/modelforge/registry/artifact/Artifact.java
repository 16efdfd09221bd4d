package dev.modelforge.registry.artifact;

import dev.modelforge.api.version.ArtifactDto;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An immutable blob in object storage, identified by the SHA-256 of its bytes. */
@Entity
@Table(name = "artifact")
public class Artifact extends PanacheEntityBase {
    /** Lower-case hex; the primary key, because equal bytes are one artifact. */
    @Id
    @Column(length = 64)
    public String sha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(name = "media_type", nullable = false)
    public String mediaType;

    @Column(name = "storage_key", nullable = false, unique = true)
    public String storageKey;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The storage key of content with this digest. */
    public static String keyFor(String sha256) {
        return "sha256/" + sha256;
    }

    public ArtifactDto toDto() {
        return new ArtifactDto(sha256, sizeBytes, mediaType);
    }
}
