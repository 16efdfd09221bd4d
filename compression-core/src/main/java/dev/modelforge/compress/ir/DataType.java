package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * The ONNX element types the IR gives typed access to, with their wire codes and storage widths.
 * Types the passes never touch (strings, complex, float8, 4-bit) are still carried through
 * untouched via {@link #OTHER}; their bytes are never interpreted.
 */
public enum DataType {
    FLOAT(TensorProto.DataType.FLOAT_VALUE, 4),
    UINT8(TensorProto.DataType.UINT8_VALUE, 1),
    INT8(TensorProto.DataType.INT8_VALUE, 1),
    UINT16(TensorProto.DataType.UINT16_VALUE, 2),
    INT16(TensorProto.DataType.INT16_VALUE, 2),
    INT32(TensorProto.DataType.INT32_VALUE, 4),
    INT64(TensorProto.DataType.INT64_VALUE, 8),
    BOOL(TensorProto.DataType.BOOL_VALUE, 1),
    FLOAT16(TensorProto.DataType.FLOAT16_VALUE, 2),
    DOUBLE(TensorProto.DataType.DOUBLE_VALUE, 8),
    UINT32(TensorProto.DataType.UINT32_VALUE, 4),
    UINT64(TensorProto.DataType.UINT64_VALUE, 8),
    BFLOAT16(TensorProto.DataType.BFLOAT16_VALUE, 2),
    /** Any other ONNX type: carried verbatim, never decoded. */
    OTHER(-1, 0);

    private final int onnxCode;
    private final int byteWidth;

    DataType(int onnxCode, int byteWidth) {
        this.onnxCode = onnxCode;
        this.byteWidth = byteWidth;
    }

    /** The {@code TensorProto.DataType} number. */
    public int onnxCode() {
        return onnxCode;
    }

    /** Bytes per element in raw_data (0 for {@link #OTHER}). */
    public int byteWidth() {
        return byteWidth;
    }

    /** True for the float family the passes treat as "weights worth compressing". */
    public boolean isFloatingPoint() {
        return this == FLOAT || this == FLOAT16 || this == DOUBLE || this == BFLOAT16;
    }

    /** Maps an ONNX element-type code; unknown codes map to {@link #OTHER}. */
    public static DataType fromOnnx(int code) {
        for (DataType t : values()) {
            if (t.onnxCode == code && t != OTHER) {
                return t;
            }
        }
        return OTHER;
    }
}
