package dev.modelforge.onnx;

/**
 * ONNX tensor element types with their wire numbers ({@code TensorProto.DataType}).
 *
 * <p>Kept separate from the generated enum so that numbers newer than the bundled
 * {@code onnx-ml.proto} (e.g. FLOAT4E2M1, INT2) still have a name, and so callers do not
 * depend on the generated classes just to talk about a dtype.
 */
public enum ElementType {
    UNDEFINED(0, 0),
    FLOAT(1, 32),
    UINT8(2, 8),
    INT8(3, 8),
    UINT16(4, 16),
    INT16(5, 16),
    INT32(6, 32),
    INT64(7, 64),
    /** Variable length; {@link #bits()} is 0. */
    STRING(8, 0),
    BOOL(9, 8),
    FLOAT16(10, 16),
    DOUBLE(11, 64),
    UINT32(12, 32),
    UINT64(13, 64),
    COMPLEX64(14, 64),
    COMPLEX128(15, 128),
    BFLOAT16(16, 16),
    FLOAT8E4M3FN(17, 8),
    FLOAT8E4M3FNUZ(18, 8),
    FLOAT8E5M2(19, 8),
    FLOAT8E5M2FNUZ(20, 8),
    UINT4(21, 4),
    INT4(22, 4),
    FLOAT4E2M1(23, 4),
    FLOAT8E8M0(24, 8),
    UINT2(25, 2),
    INT2(26, 2);

    private static final ElementType[] BY_NUMBER = new ElementType[27];

    static {
        for (ElementType t : values()) {
            BY_NUMBER[t.onnxNumber] = t;
        }
    }

    private final int onnxNumber;
    private final int bits;

    ElementType(int onnxNumber, int bits) {
        this.onnxNumber = onnxNumber;
        this.bits = bits;
    }

    /** The number ONNX uses on the wire ({@code TensorProto.data_type}, {@code TypeProto.Tensor.elem_type}). */
    public int onnxNumber() {
        return onnxNumber;
    }

    /** Bits per element as stored in {@code raw_data} (sub-byte types are packed); 0 for STRING. */
    public int bits() {
        return bits;
    }

    /**
     * Bytes that {@code count} elements occupy in {@code raw_data} (sub-byte types packed, rounded up).
     *
     * @throws IllegalArgumentException for STRING/UNDEFINED, whose size is not fixed
     */
    public long storageBytes(long count) {
        if (bits == 0) {
            throw new IllegalArgumentException(name() + " has no fixed element size");
        }
        return (Math.multiplyExact(count, (long) bits) + 7) / 8;
    }

    /**
     * The type for an ONNX number.
     *
     * @throws IllegalArgumentException if the number is not a known ONNX element type
     */
    public static ElementType fromOnnx(int number) {
        if (number < 0 || number >= BY_NUMBER.length || BY_NUMBER[number] == null) {
            throw new IllegalArgumentException("unknown ONNX element type number " + number);
        }
        return BY_NUMBER[number];
    }

    /** Like {@link #fromOnnx(int)} but unknown numbers map to {@link #UNDEFINED}. */
    public static ElementType fromOnnxOrUndefined(int number) {
        return number >= 0 && number < BY_NUMBER.length && BY_NUMBER[number] != null
                ? BY_NUMBER[number] : UNDEFINED;
    }
}
