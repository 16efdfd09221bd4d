package dev.modelforge.registry.artifact;

import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.version.ArtifactDto;
import dev.modelforge.api.version.MediaTypes;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    /** For a model directory ({@link MediaTypes#ONNX_DIRECTORY}): its files; empty for a single file. */
    @ElementCollection(fetch = FetchType.LAZY)
    @CollectionTable(name = "artifact_file", joinColumns = @JoinColumn(name = "artifact_sha256"))
    @OrderBy("path")
    public List<ArtifactFile> files = new ArrayList<>();

    /**
     * Bytes of the model itself: the size for a single file, the sum of the files for a directory (whose own blob
     * is only its manifest). What size limits, objectives and ratios compare.
     */
    @org.hibernate.annotations.Formula("coalesce((select sum(f.size_bytes) from artifact_file f "
            + "where f.artifact_sha256 = sha256), size_bytes)")
    public long modelBytes;

    public boolean isDirectory() {
        return MediaTypes.ONNX_DIRECTORY.equals(mediaType);
    }

    /** What a worker needs to fetch and verify it (a directory's files included). */
    public StoredObject toStoredObject() {
        return new StoredObject(storageKey, sha256, sizeBytes, isDirectory() ? manifestFiles() : null);
    }

    private List<dev.modelforge.api.version.ManifestFile> manifestFiles() {
        return files.stream().map(ArtifactFile::toDto).toList();
    }

    /** The storage key of content with this digest. */
    public static String keyFor(String sha256) {
        return "sha256/" + sha256;
    }

    public ArtifactDto toDto() {
        return new ArtifactDto(sha256, sizeBytes, mediaType, isDirectory() ? manifestFiles() : null);
    }
}
