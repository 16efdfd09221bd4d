package dev.modelforge.registry.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.api.version.MediaTypes;
import dev.modelforge.api.version.ModelManifest;
import dev.modelforge.onnx.ExternalData;
import dev.modelforge.onnx.InvalidOnnxException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * Model-directory manifests: one canonical JSON form (files sorted by path), so equal directories hash to one
 * artifact whoever (an upload, a worker's variant) lists them, stored like any other blob.
 */
@ApplicationScoped
public class Manifests {
    @Inject
    ArtifactStore artifacts;

    @Inject
    ObjectMapper json;

    /**
     * Stores the manifest of {@code files} under its content address, with a claim like every stored blob.
     *
     * @throws IllegalArgumentException if a path is unsafe or not canonical, repeats, or model.onnx is missing
     */
    public StoredBlob store(List<ManifestFile> files) {
        List<ManifestFile> sorted = files.stream().sorted(Comparator.comparing(ManifestFile::path)).toList();
        String problem = problem(sorted);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(new ModelManifest(ModelManifest.FORMAT, sorted));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return artifacts.store(new ByteArrayInputStream(bytes), bytes.length, MediaTypes.ONNX_DIRECTORY, bytes.length);
    }

    /** What is wrong with a directory listing (sorted by path), or null. */
    public static String problem(List<ManifestFile> sorted) {
        boolean graph = false;
        String previous = null;
        for (ManifestFile f : sorted) {
            if (f.path() == null || f.sha256() == null || !f.sha256().matches("[0-9a-f]{64}") || f.sizeBytes() < 0) {
                return "every file needs a path, a lower-case hex sha256 and a size";
            }
            try {
                if (!ExternalData.normalize(f.path()).equals(f.path())) {
                    return "path '" + f.path() + "' is not in canonical form";
                }
            } catch (InvalidOnnxException e) {
                return "path '" + f.path() + "' is refused: " + e.getMessage();
            }
            if (f.path().equals(previous)) {
                return "path '" + f.path() + "' appears twice";
            }
            previous = f.path();
            graph |= f.path().equals(ManifestFile.MODEL_FILE);
        }
        return graph ? null : "a model directory needs '" + ManifestFile.MODEL_FILE + "' at its top";
    }
}
