package dev.modelforge.api.version;

import java.util.List;

/**
 * The JSON document a model directory is stored as ({@link MediaTypes#ONNX_DIRECTORY}): its files, sorted by
 * path. Its own sha256 identifies the directory, so equal directories are one artifact.
 *
 * @param format {@link #FORMAT}
 * @param files  the files, {@link ManifestFile#MODEL_FILE} among them
 */
public record ModelManifest(String format, List<ManifestFile> files) {
    /** The manifest format this build writes and reads. */
    public static final String FORMAT = "modelforge.onnx-directory/1";
}
