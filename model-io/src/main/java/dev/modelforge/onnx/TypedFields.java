package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts ONNX's typed repeated fields to the raw little-endian layout, following the field
 * assignment in onnx.proto: 8/16-bit integers, bool, float16/bfloat16/float8 and packed int4
 * bytes all travel in {@code int32_data}, one entry per stored unit.
 */
final class TypedFields {

    private TypedFields() {
    }

    static ByteBuffer toRaw(OnnxMl.TensorProto t, ElementType type, long expectedBytes) {
        if (expectedBytes > Integer.MAX_VALUE) {
            throw new InvalidOnnxException(Reason.MALFORMED, "tensor '" + t.getName()
                    + "' is too large to be stored in typed fields");
        }
        ByteBuffer b = ByteBuffer.allocate((int) expectedBytes).order(ByteOrder.LITTLE_ENDIAN);
        int stored;
        switch (type) {
            case FLOAT, COMPLEX64 -> {
                stored = t.getFloatDataCount() * 4;
                check(t, stored, expectedBytes);
                t.getFloatDataList().forEach(b::putFloat);
            }
            case DOUBLE, COMPLEX128 -> {
                stored = t.getDoubleDataCount() * 8;
                check(t, stored, expectedBytes);
                t.getDoubleDataList().forEach(b::putDouble);
            }
            case INT64 -> {
                stored = t.getInt64DataCount() * 8;
                check(t, stored, expectedBytes);
                t.getInt64DataList().forEach(b::putLong);
            }
            case UINT32 -> {
                stored = t.getUint64DataCount() * 4;
                check(t, stored, expectedBytes);
                t.getUint64DataList().forEach(v -> b.putInt((int) (long) v));
            }
            case UINT64 -> {
                stored = t.getUint64DataCount() * 8;
                check(t, stored, expectedBytes);
                t.getUint64DataList().forEach(b::putLong);
            }
            case INT32 -> {
                stored = t.getInt32DataCount() * 4;
                check(t, stored, expectedBytes);
                t.getInt32DataList().forEach(b::putInt);
            }
            case INT16, UINT16, FLOAT16, BFLOAT16 -> {
                stored = t.getInt32DataCount() * 2;
                check(t, stored, expectedBytes);
                t.getInt32DataList().forEach(v -> b.putShort((short) (int) v));
            }
            default -> {
                // 8-bit types, bool, and sub-byte types whose packed bytes are one int32 each.
                stored = t.getInt32DataCount();
                check(t, stored, expectedBytes);
                t.getInt32DataList().forEach(v -> b.put((byte) (int) v));
            }
        }
        return b.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void check(OnnxMl.TensorProto t, long stored, long expected) {
        if (stored != expected) {
            throw new InvalidOnnxException(Reason.MALFORMED, "tensor '" + t.getName() + "' holds " + stored
                    + " bytes of typed data but its dims " + t.getDimsList() + " need " + expected);
        }
    }
}
