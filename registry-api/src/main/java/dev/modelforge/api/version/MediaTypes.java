package dev.modelforge.api.version;

/** Media types the registry assigns to artifacts. */
public final class MediaTypes {
    /** An ONNX model (protobuf {@code ModelProto}). */
    public static final String ONNX = "application/vnd.onnx";
    /** An evaluation or calibration dataset: a NumPy {@code .npz} or an ONNX test-data zip. */
    public static final String DATASET = "application/zip";

    private MediaTypes() {
    }
}
