package dev.modelforge.onnx.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable n-dimensional array: a {@link DType}, a shape and a little-endian, C-ordered byte
 * buffer. Slices share the buffer; nothing here copies unless it says so.
 */
public final class NdArray {

    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    private NdArray(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * An array over existing bytes (the buffer's remaining bytes, little-endian, row-major).
     *
     * @throws IllegalArgumentException if the byte count does not match shape × element size
     */
    public static NdArray of(DType dtype, long[] shape, ByteBuffer data) {
        Objects.requireNonNull(dtype, "dtype");
        long[] s = shape.clone();
        long count = elementCount(s);
        long bytes = Math.multiplyExact(count, dtype.byteSize());
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " of " + dtype + " needs " + bytes
                    + " bytes, got " + data.remaining());
        }
        ByteBuffer view = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new NdArray(dtype, s, view);
    }

    /** A FLOAT array holding a copy of {@code values}. */
    public static NdArray ofFloats(float[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 4, shape);
        b.asFloatBuffer().put(values);
        return of(DType.FLOAT, shape, b);
    }

    /** A DOUBLE array holding a copy of {@code values}. */
    public static NdArray ofDoubles(double[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 8, shape);
        b.asDoubleBuffer().put(values);
        return of(DType.DOUBLE, shape, b);
    }

    /** An INT64 array holding a copy of {@code values}. */
    public static NdArray ofLongs(long[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 8, shape);
        b.asLongBuffer().put(values);
        return of(DType.INT64, shape, b);
    }

    /** An INT32 array holding a copy of {@code values}. */
    public static NdArray ofInts(int[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 4, shape);
        b.asIntBuffer().put(values);
        return of(DType.INT32, shape, b);
    }

    /** An array of a one-byte dtype (INT8, UINT8, BOOL) holding a copy of {@code values}. */
    public static NdArray ofBytes(DType dtype, byte[] values, long... shape) {
        if (dtype.byteSize() != 1) {
            throw new IllegalArgumentException(dtype + " is not a one-byte type");
        }
        ByteBuffer b = allocate(values.length, 1, shape);
        b.put(values).flip();
        return of(dtype, shape, b);
    }

    /** A FLOAT16 array converted (round to nearest even) from {@code values}. */
    public static NdArray ofFloat16(float[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 2, shape);
        for (float v : values) {
            b.putShort(Half.fromFloat(v));
        }
        b.flip();
        return of(DType.FLOAT16, shape, b);
    }

    private static ByteBuffer allocate(int length, int size, long[] shape) {
        if (elementCount(shape) != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
        return ByteBuffer.allocate(Math.multiplyExact(length, size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements. */
    public long size() {
        return elementCount(shape);
    }

    /** Number of data bytes. */
    public long byteSize() {
        return data.remaining();
    }

    /** The data: read-only, little-endian, positioned at 0. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** All elements converted to float (int64 and double may lose precision). */
    public float[] toFloatArray() {
        int n = arrayLength();
        float[] out = new float[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> (float) b.getDouble();
                case FLOAT16 -> Half.toFloat(b.getShort());
                case INT8 -> b.get();
                case UINT8 -> b.get() & 0xff;
                case BOOL -> b.get() != 0 ? 1f : 0f;
                case INT16 -> b.getShort();
                case INT32 -> b.getInt();
                case INT64 -> b.getLong();
            };
        }
        return out;
    }

    /** All elements converted to double. */
    public double[] toDoubleArray() {
        if (dtype == DType.DOUBLE) {
            double[] out = new double[arrayLength()];
            data().asDoubleBuffer().get(out);
            return out;
        }
        if (dtype == DType.INT64) {
            return Arrays.stream(toLongArray()).asDoubleStream().toArray();
        }
        float[] f = toFloatArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /**
     * All elements as long: integer and bool types only.
     *
     * @throws IllegalStateException for floating-point arrays, where truncation would hide a data error
     */
    public long[] toLongArray() {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException("cannot read " + dtype + " array as integers");
        }
        int n = arrayLength();
        long[] out = new long[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case INT8 -> b.get();
                case UINT8 -> b.get() & 0xff;
                case BOOL -> b.get() != 0 ? 1 : 0;
                case INT16 -> b.getShort();
                case INT32 -> b.getInt();
                case INT64 -> b.getLong();
                default -> throw new AssertionError(dtype);
            };
        }
        return out;
    }

    private int arrayLength() {
        long n = size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("array of " + n + " elements does not fit a Java array");
        }
        return (int) n;
    }

    /** Bytes of one entry along dimension 0. */
    private long rowBytes() {
        long row = dtype.byteSize();
        for (int i = 1; i < shape.length; i++) {
            row = Math.multiplyExact(row, shape[i]);
        }
        return row;
    }

    /**
     * Entries {@code [start, start + count)} along dimension 0, sharing this array's buffer.
     *
     * @throws IllegalArgumentException for a scalar or a range outside dimension 0
     */
    public NdArray slice(long start, long count) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("cannot slice a scalar");
        }
        if (start < 0 || count < 0 || start > shape[0] || count > shape[0] - start) {
            throw new IllegalArgumentException("slice [" + start + ", " + (start + count) + ") is outside dim 0 of size "
                    + shape[0]);
        }
        long row = rowBytes();
        long[] s = shape.clone();
        s[0] = count;
        ByteBuffer view = data.slice(Math.toIntExact(start * row), Math.toIntExact(count * row));
        return new NdArray(dtype, s, view.order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Entries {@code [start, start + count)} along {@code axis} (a copy unless {@code axis} is 0): the batch of an
     * input whose sample axis is not the first one (a recurrent state {@code [layers, batch, hidden]}).
     */
    public NdArray sliceAxis(int axis, long start, long count) {
        if (axis == 0) {
            return slice(start, count);
        }
        if (axis < 0 || axis >= shape.length || start < 0 || count < 0 || start + count > shape[axis]) {
            throw new IllegalArgumentException("slice [" + start + ", " + (start + count) + ") of axis " + axis
                    + " is outside shape " + java.util.Arrays.toString(shape));
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        long inner = dtype.byteSize();
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        long[] s = shape.clone();
        s[axis] = count;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(outer * count * inner)).order(ByteOrder.LITTLE_ENDIAN);
        for (long o = 0; o < outer; o++) {
            int from = Math.toIntExact((o * shape[axis] + start) * inner);
            out.put(data.slice(from, Math.toIntExact(count * inner)));
        }
        out.flip();
        return new NdArray(dtype, s, out);
    }

    /**
     * Concatenates arrays along dimension 0 into a new buffer.
     *
     * @throws IllegalArgumentException if the list is empty, dtypes differ, or the other dimensions differ
     */
    public static NdArray concat(List<NdArray> arrays) {
        if (arrays.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        NdArray first = arrays.get(0);
        if (first.rank() == 0) {
            throw new IllegalArgumentException("cannot concatenate scalars");
        }
        long rows = 0;
        long bytes = 0;
        for (NdArray a : arrays) {
            if (a.dtype != first.dtype) {
                throw new IllegalArgumentException("cannot concatenate " + a.dtype + " with " + first.dtype);
            }
            if (a.rank() != first.rank()
                    || !Arrays.equals(a.shape, 1, a.shape.length, first.shape, 1, first.shape.length)) {
                throw new IllegalArgumentException("cannot concatenate shape " + Arrays.toString(a.shape) + " with "
                        + Arrays.toString(first.shape) + ": dimensions after the first must match");
            }
            rows += a.shape[0];
            bytes += a.byteSize();
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (NdArray a : arrays) {
            out.put(a.data());
        }
        out.flip();
        long[] s = first.shape.clone();
        s[0] = rows;
        return of(first.dtype, s, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray other && dtype == other.dtype && Arrays.equals(shape, other.shape)
                && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype + ", " + Arrays.toString(shape) + "]";
    }
}
