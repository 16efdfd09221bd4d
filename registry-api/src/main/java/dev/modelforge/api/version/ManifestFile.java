package dev.modelforge.api.version;

/**
 * One file of a model directory (an ONNX model with external data), stored content-addressed under
 * {@code sha256/<sha256>}.
 *
 * @param path      path inside the directory, {@code /}-separated, e.g. {@code model.onnx} or {@code weights/w0.bin}
 * @param sha256    lower-case hex SHA-256 of the file
 * @param sizeBytes its length
 */
public record ManifestFile(String path, String sha256, long sizeBytes) {
    /** The file every model directory has: the graph, whose external data the other files hold. */
    public static final String MODEL_FILE = "model.onnx";

    /** @return the object key of the file's bytes */
    public String storageKey() {
        return "sha256/" + sha256;
    }
}
