package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Turns a {@link TensorProto} into a lazily decoded {@link Tensor}: raw_data is viewed without a
 * copy, typed repeated fields are packed on first access, external data is memory-mapped from the
 * side file (so multi-GB weights never need heap).
 */
final class TensorDecoding {
    private TensorDecoding() {
    }

    static Tensor decode(TensorProto p, Path baseDir) {
        DataType type = DataType.fromOnnx(p.getDataType());
        if (type == DataType.OTHER || p.hasSegment()) {
            return Tensor.opaque(p);
        }
        long[] shape = Tensor.dimsOf(p);
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return external(p, type, shape, baseDir);
        }
        if (!p.getRawData().isEmpty() || isEmptyShape(shape)) {
            return Tensor.ofRawData(p.getName(), type, shape, p.getRawData());
        }
        // Typed fields: pack once, on first access.
        Memo memo = new Memo(() -> packTyped(p, type, shape));
        return Tensor.ofBytes(p.getName(), type, shape, memo::get);
    }

    private static boolean isEmptyShape(long[] shape) {
        for (long d : shape) {
            if (d == 0) {
                return true;
            }
        }
        return false;
    }

    private static Tensor external(TensorProto p, DataType type, long[] shape, Path baseDir) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                case "length" -> length = Long.parseLong(e.getValue());
                default -> { }
            }
        }
        if (location == null) {
            throw new IllegalArgumentException("external tensor " + p.getName() + " has no location");
        }
        if (baseDir == null) {
            throw new IllegalArgumentException("external tensor " + p.getName()
                    + " needs the model's directory to resolve " + location);
        }
        Path file = baseDir.resolve(location).normalize();
        if (!file.startsWith(baseDir.normalize())) {
            throw new IllegalArgumentException("external data location escapes the model directory: " + location);
        }
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        long len = length >= 0 ? length : elements * type.byteWidth();
        long off = offset;
        Memo memo = new Memo(() -> map(file, off, len, p.getName()));
        return Tensor.ofBytes(p.getName(), type, shape, memo::get);
    }

    private static ByteBuffer map(Path file, long offset, long length, String name) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset + length > ch.size()) {
                throw new IllegalArgumentException("external data for " + name + " runs past the end of " + file);
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, offset, length);
            return m.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read external data " + file + " for " + name, e);
        }
    }

    private static ByteBuffer packTyped(TensorProto p, DataType type, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n * type.byteWidth())).order(ByteOrder.LITTLE_ENDIAN);
        int count = Math.toIntExact(n);
        switch (type) {
            case FLOAT -> {
                for (int i = 0; i < count; i++) {
                    b.putFloat(p.getFloatData(i));
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < count; i++) {
                    b.putDouble(p.getDoubleData(i));
                }
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) {
                    b.putLong(p.getInt64Data(i));
                }
            }
            case UINT32, UINT64 -> {
                for (int i = 0; i < count; i++) {
                    long v = p.getUint64Data(i);
                    if (type == DataType.UINT32) {
                        b.putInt((int) v);
                    } else {
                        b.putLong(v);
                    }
                }
            }
            case INT32 -> {
                for (int i = 0; i < count; i++) {
                    b.putInt(p.getInt32Data(i));
                }
            }
            case INT8, UINT8, BOOL -> {
                for (int i = 0; i < count; i++) {
                    b.put((byte) p.getInt32Data(i));
                }
            }
            case INT16, UINT16, FLOAT16, BFLOAT16 -> {
                for (int i = 0; i < count; i++) {
                    b.putShort((short) p.getInt32Data(i));
                }
            }
            default -> throw new IllegalArgumentException("cannot decode " + type);
        }
        b.flip();
        return b;
    }

    /** A thread-safe memoising supplier (typed-field packing and mmap happen once). */
    private static final class Memo {
        private final java.util.function.Supplier<ByteBuffer> source;
        private volatile ByteBuffer value;

        Memo(java.util.function.Supplier<ByteBuffer> source) {
            this.source = source;
        }

        ByteBuffer get() {
            ByteBuffer v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = source.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
