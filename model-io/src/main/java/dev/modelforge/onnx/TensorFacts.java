package dev.modelforge.onnx;

import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a streaming read learns about one initializer without keeping its data: dims, type, how many raw
 * bytes and typed elements it carries, and its external-data keys. {@link #check()} holds it to ONNX's
 * rule that the data matches the shape.
 */
final class TensorFacts {
    String name = "";
    int dataType;
    final List<Long> dims = new ArrayList<>();
    /** raw_data bytes, or -1 if absent. */
    long rawBytes = -1;
    /** Entries per typed field, indexed by TensorProto field number (4 float, 5 int32, 6 string, 7 int64, 10 double, 11 uint64). */
    final long[] typedUnits = new long[12];
    boolean external;
    final Map<String, String> externalData = new LinkedHashMap<>();

    ExternalData.Ref ref() {
        String location = externalData.get("location");
        if (location == null || location.isEmpty()) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA,
                    "external tensor '" + name + "' has no 'location' key");
        }
        return new ExternalData.Ref(location, number("offset", 0), number("length", -1),
                externalData.getOrDefault("checksum", ""));
    }

    private long number(String key, long absent) {
        String v = externalData.get(key);
        if (v == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the tensor name
        }
        throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external tensor '" + name + "' has an invalid "
                + key + " '" + v + "' (expected a non-negative integer)");
    }

    /**
     * The bytes the dims and type call for, or -1 when they do not say (strings, unknown type, negative or
     * overflowing dims): what an external reference without {@code length} must find in its file.
     */
    long expectedBytes() {
        ElementType type = ElementType.fromOnnxOrUndefined(dataType);
        if (type == ElementType.UNDEFINED || type == ElementType.STRING) {
            return -1;
        }
        long bits = type.bits();
        try {
            for (long d : dims) {
                if (d < 0) {
                    return -1;
                }
                bits = Math.multiplyExact(bits, d);
            }
        } catch (ArithmeticException e) {
            return -1;
        }
        return bits / 8 + (bits % 8 == 0 ? 0 : 1);
    }

    /** Refuses data that does not match the dims (the check ONNX Runtime would make at load time). */
    void check() {
        if (external) {
            return;
        }
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw malformed("has a negative dim " + d);
            }
            count = multiply(count, d);
        }
        ElementType type = ElementType.fromOnnxOrUndefined(dataType);
        if (type == ElementType.UNDEFINED) {
            throw malformed("has no (or an unknown) data_type " + dataType);
        }
        if (type == ElementType.STRING) {
            require(typedUnits[6], count, "strings");
            return;
        }
        long expected = multiply(count, type.bits()) / 8 + (multiply(count, type.bits()) % 8 == 0 ? 0 : 1);
        long stored;
        String what;
        if (rawBytes >= 0) {
            stored = rawBytes;
            what = "raw_data bytes";
        } else {
            stored = typedBytes(type);
            what = "bytes of typed data";
        }
        if (stored == 0 && expected > 0) {
            throw malformed("has dims " + dims + " (" + count + " elements) but no data");
        }
        require(stored, expected, what);
    }

    /** Bytes the typed fields hold, by the field assignment of onnx.proto (as TypedFields decodes them). */
    private long typedBytes(ElementType type) {
        return switch (type) {
            case FLOAT, COMPLEX64 -> typedUnits[4] * 4;
            case DOUBLE, COMPLEX128 -> typedUnits[10] * 8;
            case INT64 -> typedUnits[7] * 8;
            case UINT32 -> typedUnits[11] * 4;
            case UINT64 -> typedUnits[11] * 8;
            case INT32 -> typedUnits[5] * 4;
            case INT16, UINT16, FLOAT16, BFLOAT16 -> typedUnits[5] * 2;
            default -> typedUnits[5];
        };
    }

    private void require(long stored, long expected, String what) {
        if (stored != expected) {
            throw malformed("has dims " + dims + " needing " + expected + " " + what + " but holds " + stored);
        }
    }

    private long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw malformed("has dims " + dims + " whose size overflows 64 bits");
        }
    }

    private InvalidOnnxException malformed(String what) {
        return new InvalidOnnxException(Reason.MALFORMED, "tensor '" + name + "' " + what);
    }
}
