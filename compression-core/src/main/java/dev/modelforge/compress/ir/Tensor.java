package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An immutable named constant tensor (an initializer, or the value of a {@code Constant} node).
 *
 * <p>The element bytes are held lazily: a tensor read from a model keeps a zero-copy view of the
 * protobuf {@code raw_data}, or a memory-mapped window of its external-data file, and decodes to a
 * Java array only when a pass asks for one. Tensors are shared between a model and its copies, so a
 * pass that leaves a weight alone never duplicates it on the heap.
 */
public final class Tensor {
    private final String name;
    private final DataType dataType;
    private final long[] shape;
    private final Supplier<ByteBuffer> bytes;
    private final TensorProto opaque;
    /** The protobuf bytes this tensor was read from, reused on output so weights are not copied again. */
    private final ByteString raw;

    private Tensor(String name, DataType dataType, long[] shape, Supplier<ByteBuffer> bytes,
                   TensorProto opaque) {
        this(name, dataType, shape, bytes, opaque, null);
    }

    private Tensor(String name, DataType dataType, long[] shape, Supplier<ByteBuffer> bytes,
                   TensorProto opaque, ByteString raw) {
        this.name = Objects.requireNonNull(name, "name");
        this.dataType = dataType;
        this.shape = shape.clone();
        this.bytes = bytes;
        this.opaque = opaque;
        this.raw = raw;
    }

    /** A tensor viewing protobuf raw_data without copying it (and writing it back the same way). */
    static Tensor ofRawData(String name, DataType type, long[] shape, ByteString rawData) {
        ByteBuffer view = rawData.asReadOnlyByteBuffer();
        return new Tensor(name, type, shape, () -> view, null, rawData);
    }

    /**
     * Wraps little-endian element bytes. The supplier is called on every access and must return
     * a buffer positioned at 0 (it may be a memory-mapped view).
     */
    public static Tensor ofBytes(String name, DataType type, long[] shape, Supplier<ByteBuffer> bytes) {
        return new Tensor(name, type, shape, bytes, null);
    }

    /** A tensor whose bytes are not decoded (string or exotic types), kept verbatim for output. */
    static Tensor opaque(TensorProto proto) {
        return new Tensor(proto.getName(), DataType.OTHER, dimsOf(proto), null, proto);
    }

    /** A float32 tensor. The array is copied. */
    public static Tensor ofFloats(String name, long[] shape, float[] data) {
        checkCount(shape, data.length);
        ByteBuffer b = allocate(data.length * 4L);
        b.asFloatBuffer().put(data);
        return fixed(name, DataType.FLOAT, shape, b);
    }

    /** An int8 tensor. */
    public static Tensor ofInt8(String name, long[] shape, byte[] data) {
        checkCount(shape, data.length);
        return fixed(name, DataType.INT8, shape, ByteBuffer.wrap(data.clone()));
    }

    /** A uint8 tensor (bytes are interpreted unsigned). */
    public static Tensor ofUint8(String name, long[] shape, byte[] data) {
        checkCount(shape, data.length);
        return fixed(name, DataType.UINT8, shape, ByteBuffer.wrap(data.clone()));
    }

    /** An int32 tensor. */
    public static Tensor ofInt32(String name, long[] shape, int[] data) {
        checkCount(shape, data.length);
        ByteBuffer b = allocate(data.length * 4L);
        b.asIntBuffer().put(data);
        return fixed(name, DataType.INT32, shape, b);
    }

    /** An int64 tensor. */
    public static Tensor ofInt64(String name, long[] shape, long[] data) {
        checkCount(shape, data.length);
        ByteBuffer b = allocate(data.length * 8L);
        b.asLongBuffer().put(data);
        return fixed(name, DataType.INT64, shape, b);
    }

    /** A float16 tensor from binary16 bit patterns (see {@link Float16}). */
    public static Tensor ofFloat16(String name, long[] shape, short[] bits) {
        checkCount(shape, bits.length);
        ByteBuffer b = allocate(bits.length * 2L);
        b.asShortBuffer().put(bits);
        return fixed(name, DataType.FLOAT16, shape, b);
    }

    /** A scalar (rank-0) float32 tensor. */
    public static Tensor scalar(String name, float value) {
        return ofFloats(name, new long[0], new float[] {value});
    }

    public String name() {
        return name;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The dimensions (a copy); empty for a scalar. */
    public long[] shape() {
        return shape.clone();
    }

    /** Rank (number of dimensions). */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Bytes the elements take in raw form (what the tensor contributes to the model size). */
    public long byteSize() {
        return opaque != null ? opaque.getSerializedSize() : elementCount() * dataType.byteWidth();
    }

    /** The same data under another name. */
    public Tensor withName(String newName) {
        if (opaque != null) {
            return opaque(opaque.toBuilder().setName(newName).build());
        }
        return new Tensor(newName, dataType, shape, bytes, null, raw);
    }

    /** The same data with a new shape of equal element count (a reshape, no copy). */
    public Tensor reshaped(long[] newShape) {
        checkCount(newShape, elementCount());
        if (opaque != null) {
            throw new IllegalStateException("cannot reshape undecoded tensor " + name);
        }
        return new Tensor(name, dataType, newShape, bytes, null, raw);
    }

    /** A read-only little-endian view of the element bytes, positioned at 0. */
    public ByteBuffer rawBytes() {
        if (bytes == null) {
            throw new IllegalStateException("tensor " + name + " has an undecoded type");
        }
        return bytes.get().duplicate().order(ByteOrder.LITTLE_ENDIAN).rewind().asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Elements as float32, converting from float16 or double when needed. */
    public float[] floats() {
        int n = Math.toIntExact(elementCount());
        float[] out = new float[n];
        ByteBuffer b = rawBytes();
        switch (dataType) {
            case FLOAT -> b.asFloatBuffer().get(out);
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float16.toFloat(b.getShort(i * 2));
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            default -> throw new IllegalStateException("tensor " + name + " is " + dataType + ", not floating point");
        }
        return out;
    }

    /** Elements as bytes (int8 / uint8 / bool storage). */
    public byte[] bytes() {
        requireWidth(1);
        byte[] out = new byte[Math.toIntExact(elementCount())];
        rawBytes().get(out);
        return out;
    }

    /** Elements as int32. */
    public int[] ints() {
        requireType(DataType.INT32);
        int[] out = new int[Math.toIntExact(elementCount())];
        rawBytes().asIntBuffer().get(out);
        return out;
    }

    /** Elements as int64, widening int32 if needed (shape tensors come in both). */
    public long[] longs() {
        long[] out = new long[Math.toIntExact(elementCount())];
        if (dataType == DataType.INT32) {
            int[] i = ints();
            for (int k = 0; k < i.length; k++) {
                out[k] = i[k];
            }
            return out;
        }
        requireType(DataType.INT64);
        rawBytes().asLongBuffer().get(out);
        return out;
    }

    /** Elements as binary16 bit patterns. */
    public short[] float16Bits() {
        requireType(DataType.FLOAT16);
        short[] out = new short[Math.toIntExact(elementCount())];
        rawBytes().asShortBuffer().get(out);
        return out;
    }

    /** Serialises with inline {@code raw_data} (the opaque form is kept verbatim). */
    public TensorProto toProto() {
        if (opaque != null) {
            return opaque;
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(dataType.onnxCode());
        for (long d : shape) {
            b.addDims(d);
        }
        return b.setRawData(raw != null ? raw : ByteString.copyFrom(rawBytes())).build();
    }

    @Override
    public String toString() {
        return name + ":" + dataType + Arrays.toString(shape);
    }

    static long[] dimsOf(TensorProto p) {
        long[] s = new long[p.getDimsCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = p.getDims(i);
        }
        return s;
    }

    private static Tensor fixed(String name, DataType t, long[] shape, ByteBuffer b) {
        ByteBuffer ro = b.order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
        return new Tensor(name, t, shape, () -> ro, null);
    }

    private static ByteBuffer allocate(long n) {
        return ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkCount(long[] shape, long count) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, data has " + count);
        }
    }

    private void requireType(DataType t) {
        if (dataType != t) {
            throw new IllegalStateException("tensor " + name + " is " + dataType + ", not " + t);
        }
    }

    private void requireWidth(int w) {
        if (dataType.byteWidth() != w || dataType.isFloatingPoint()) {
            throw new IllegalStateException("tensor " + name + " is " + dataType + ", not a byte tensor");
        }
    }
}
