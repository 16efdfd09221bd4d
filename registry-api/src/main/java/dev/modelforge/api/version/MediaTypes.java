package dev.modelforge.api.version;

/** Media types the registry assigns to artifacts. */
public final class MediaTypes {
    /** An ONNX model (protobuf {@code ModelProto}). */
    public static final String ONNX = "application/vnd.onnx";
    /**
     * A model directory ({@code model.onnx} plus its external-data files): the artifact is a {@link ModelManifest}
     * JSON document listing the files, each stored content-addressed.
     */
    public static final String ONNX_DIRECTORY = "application/vnd.modelforge.onnx-directory+json";
    /** How a model directory is uploaded: a (POSIX/ustar) tar stream of the directory's files. */
    public static final String TAR = "application/x-tar";
    /** A file of a model directory other than the graph (external data, tokenizer, config). */
    public static final String OCTET_STREAM = "application/octet-stream";
    /** An evaluation or calibration dataset: a NumPy {@code .npz} or an ONNX test-data zip. */
    public static final String DATASET = "application/zip";

    private MediaTypes() {
    }
}
