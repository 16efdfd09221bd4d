package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The bytes of one ONNX tensor, wherever the file keeps them: {@code raw_data}, an external side
 * file (memory-mapped on demand), or the typed repeated fields ({@code float_data},
 * {@code int32_data}, ...), always presented as ONNX's little-endian raw layout.
 *
 * <p>Nothing is read until {@link #bytes()} is called; external bytes are never copied to the heap.
 */
public final class TensorData {

    private final OnnxMl.TensorProto tensor;
    private final Path baseDir;

    private TensorData(OnnxMl.TensorProto tensor, Path baseDir) {
        this.tensor = Objects.requireNonNull(tensor, "tensor");
        this.baseDir = baseDir;
    }

    /**
     * A view of a tensor.
     *
     * @param baseDir directory of the model file, used to resolve external data; may be null for
     *                in-memory models (then external tensors fail with a clear error on {@link #bytes()})
     */
    public static TensorData of(OnnxMl.TensorProto tensor, Path baseDir) {
        return new TensorData(tensor, baseDir);
    }

    /** The tensor's name. */
    public String name() {
        return tensor.getName();
    }

    /** The element type. */
    public ElementType elementType() {
        return ElementType.fromOnnxOrUndefined(tensor.getDataType());
    }

    /** The dims, as declared. */
    public long[] dims() {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Product of dims (1 for a scalar). */
    public long elementCount() {
        return elementCount(tensor);
    }

    /** True if the bytes live in a side file. */
    public boolean isExternal() {
        return ExternalData.isExternal(tensor);
    }

    /** Bytes {@link #bytes()} will return, computed from dims and type. */
    public long byteSize() {
        return expectedByteSize(tensor);
    }

    /**
     * The tensor's bytes: read-only, little-endian, positioned at 0. External data is memory-mapped;
     * raw_data is wrapped without copying; typed fields are converted into a new buffer.
     *
     * @throws InvalidOnnxException if the data is missing, inconsistent with dims, or of type STRING
     */
    public ByteBuffer bytes() {
        ElementType type = elementType();
        if (type == ElementType.STRING || type == ElementType.UNDEFINED) {
            throw new InvalidOnnxException(Reason.MALFORMED,
                    "tensor '" + name() + "' has type " + type + ", which has no fixed-size byte layout");
        }
        long expected = expectedByteSize(tensor);
        ByteBuffer out;
        if (isExternal()) {
            if (baseDir == null) {
                throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "tensor '" + name()
                        + "' is external data but the model was not read from a file");
            }
            out = ExternalData.map(baseDir, tensor);
        } else if (tensor.hasRawData()) {
            out = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        } else {
            out = TypedFields.toRaw(tensor, type, expected);
        }
        if (out.remaining() != expected) {
            throw new InvalidOnnxException(Reason.MALFORMED, "tensor '" + name() + "' has " + out.remaining()
                    + " data bytes but dims " + tensor.getDimsList() + " of " + type + " need " + expected);
        }
        return out;
    }

    /**
     * Refuses, at read time, inline tensors whose dims overflow or whose data cannot fill them, so no pass
     * later meets them as an arithmetic overflow or a buffer underflow. String and unknown types, and
     * typed-field sizes (checked by {@link TypedFields} on use), are left alone.
     */
    static void requireConsistent(OnnxMl.TensorProtoOrBuilder t) {
        ElementType type = ElementType.fromOnnxOrUndefined(t.getDataType());
        if (type.bits() == 0) {
            return;
        }
        long expected = expectedByteSize(t);
        if (t.hasRawData()) {
            if (t.getRawData().size() != expected) {
                throw new InvalidOnnxException(Reason.MALFORMED, "tensor '" + t.getName() + "' has "
                        + t.getRawData().size() + " raw_data bytes but dims " + t.getDimsList() + " of " + type
                        + " need " + expected);
            }
        } else if (expected > 0 && t.getFloatDataCount() + t.getInt32DataCount() + t.getInt64DataCount()
                + t.getDoubleDataCount() + t.getUint64DataCount() == 0) {
            throw new InvalidOnnxException(Reason.MALFORMED, "tensor '" + t.getName() + "' has dims "
                    + t.getDimsList() + " but no data");
        }
    }

    static long elementCount(OnnxMl.TensorProtoOrBuilder t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new InvalidOnnxException(Reason.MALFORMED,
                        "tensor '" + t.getName() + "' has a negative dim " + d);
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new InvalidOnnxException(Reason.MALFORMED,
                        "tensor '" + t.getName() + "' has dims " + t.getDimsList() + " whose product overflows");
            }
        }
        return n;
    }

    static long expectedByteSize(OnnxMl.TensorProtoOrBuilder t) {
        ElementType type = ElementType.fromOnnxOrUndefined(t.getDataType());
        if (type.bits() == 0) {
            throw new InvalidOnnxException(Reason.MALFORMED,
                    "tensor '" + t.getName() + "' has type " + type + ", which has no fixed-size byte layout");
        }
        try {
            return type.storageBytes(elementCount(t));
        } catch (ArithmeticException e) {
            throw new InvalidOnnxException(Reason.MALFORMED,
                    "tensor '" + t.getName() + "' has dims " + t.getDimsList() + " too large to store");
        }
    }
}
