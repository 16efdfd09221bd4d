package dev.modelforge.onnx.data;

import dev.modelforge.onnx.ElementType;
import java.util.Optional;

/**
 * Element types an {@link NdArray} can hold: the ones evaluation and calibration data use.
 * Each maps to one ONNX element type and one NumPy {@code descr}.
 */
public enum DType {
    FLOAT(4, ElementType.FLOAT, "f4"),
    DOUBLE(8, ElementType.DOUBLE, "f8"),
    FLOAT16(2, ElementType.FLOAT16, "f2"),
    INT8(1, ElementType.INT8, "i1"),
    UINT8(1, ElementType.UINT8, "u1"),
    INT16(2, ElementType.INT16, "i2"),
    INT32(4, ElementType.INT32, "i4"),
    INT64(8, ElementType.INT64, "i8"),
    BOOL(1, ElementType.BOOL, "b1");

    private final int byteSize;
    private final ElementType elementType;
    private final String numpyCode;

    DType(int byteSize, ElementType elementType, String numpyCode) {
        this.byteSize = byteSize;
        this.elementType = elementType;
        this.numpyCode = numpyCode;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The ONNX element type. */
    public ElementType elementType() {
        return elementType;
    }

    /** NumPy descr as we write it: {@code <f4}, {@code |u1}, ... (little-endian, or {@code |} for one byte). */
    public String numpyDescr() {
        return (byteSize == 1 ? "|" : "<") + numpyCode;
    }

    /** True for FLOAT, DOUBLE and FLOAT16. */
    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16;
    }

    /** The DType for an ONNX element type, if NdArray supports it. */
    public static Optional<DType> of(ElementType type) {
        for (DType d : values()) {
            if (d.elementType == type) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The DType for a NumPy type code without byte order ({@code f4}, {@code i8}, {@code b1}...). */
    static Optional<DType> ofNumpyCode(String code) {
        for (DType d : values()) {
            if (d.numpyCode.equals(code)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
