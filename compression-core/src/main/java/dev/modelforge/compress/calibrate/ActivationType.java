package dev.modelforge.compress.calibrate;

import java.util.Locale;

/**
 * The integer type activations are quantized to, which also fixes whether the zero point is free.
 *
 * <p>ORT's CPU kernels are fastest with {@link #UINT8} activations (U8S8); {@link #INT8} symmetric
 * activations (S8S8) are offered for targets whose kernels prefer them.
 */
public enum ActivationType {
    /** uint8, asymmetric: zero point in [0, 255] chosen so the observed range is covered. */
    UINT8(0, 255, 2),
    /** int8, symmetric: zero point 0, levels [-127, 127] (−128 unused keeps the range symmetric). */
    INT8(-127, 127, 3);

    private final int qmin;
    private final int qmax;
    private final int onnxDataType;

    ActivationType(int qmin, int qmax, int onnxDataType) {
        this.qmin = qmin;
        this.qmax = qmax;
        this.onnxDataType = onnxDataType;
    }

    /** Smallest quantized level used. */
    public int qmin() {
        return qmin;
    }

    /** Largest quantized level used. */
    public int qmax() {
        return qmax;
    }

    /** The ONNX {@code TensorProto.DataType} number (UINT8 = 2, INT8 = 3). */
    public int onnxDataType() {
        return onnxDataType;
    }

    /** Parses {@code uint8} / {@code int8} (case-insensitive). */
    public static ActivationType parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "uint8", "u8" -> UINT8;
            case "int8", "s8" -> INT8;
            default -> throw new IllegalArgumentException(
                    "unknown activation type '" + text + "'; use uint8 or int8");
        };
    }
}
