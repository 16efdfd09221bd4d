package dev.modelforge.registry.artifact;

import dev.modelforge.api.version.ManifestFile;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One file of a model directory artifact: where it sits in the directory, and the artifact holding its bytes. */
@Embeddable
public class ArtifactFile {
    @Column(nullable = false)
    public String path;

    @Column(name = "file_sha256", length = 64, nullable = false)
    public String sha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    public ArtifactFile() {
    }

    public ArtifactFile(String path, String sha256, long sizeBytes) {
        this.path = path;
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
    }

    public ManifestFile toDto() {
        return new ManifestFile(path, sha256, sizeBytes);
    }
}
