package dev.modelforge.compress.ir;

/**
 * IEEE 754 binary16 conversions. Java 17 has no {@code Float.floatToFloat16}, so this is the
 * round-to-nearest-even conversion ONNX Runtime and NumPy use, kept in one place.
 */
public final class Float16 {
    private Float16() {
    }

    /** Converts a float to binary16 bits, rounding to nearest even, saturating to infinity. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            // Inf or NaN: keep NaN-ness with a quiet mantissa bit.
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            // Subnormal: shift in the implicit bit and round.
            mant |= 0x800000;
            int shift = 14 - e;
            int half = 1 << (shift - 1);
            int rounded = mant + half - 1 + ((mant >>> shift) & 1);
            return (short) (sign | (rounded >>> shift));
        }
        int rounded = mant + 0xfff + ((mant >>> 13) & 1);
        if ((rounded & 0x800000) != 0) {
            rounded = 0;
            e++;
            if (e >= 0x1f) {
                return (short) (sign | 0x7c00);
            }
        }
        return (short) (sign | (e << 10) | (rounded >>> 13));
    }

    /** Converts binary16 bits to float (exact). */
    public static float toFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f * (float) Math.pow(2, -14);
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
