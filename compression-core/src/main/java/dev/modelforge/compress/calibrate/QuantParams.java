package dev.modelforge.compress.calibrate;

/**
 * Per-tensor quantization parameters of one activation: {@code real = scale * (q - zeroPoint)}.
 *
 * @param scale     positive step between quantized levels, as stored (float32)
 * @param zeroPoint quantized level that represents real 0
 * @param type      the integer type of {@code q}
 */
public record QuantParams(float scale, int zeroPoint, ActivationType type) {

    /**
     * Parameters covering {@code range} for {@code type}. The range is widened to include 0 so that
     * zero padding and ReLU's zeros are exact; a degenerate range gets scale 1 (any value is exact).
     */
    public static QuantParams of(TensorRange range, ActivationType type) {
        double lo = Math.min(range.low(), 0.0);
        double hi = Math.max(range.high(), 0.0);
        if (type == ActivationType.INT8) {
            double absMax = Math.max(-lo, hi);
            float scale = absMax > 0 ? (float) (absMax / type.qmax()) : 1f;
            return new QuantParams(scale, 0, type);
        }
        if (hi - lo <= 0) {
            return new QuantParams(1f, 0, type);
        }
        float scale = (float) ((hi - lo) / (type.qmax() - type.qmin()));
        long zp = Math.round(type.qmin() - lo / scale);
        int zeroPoint = (int) Math.max(type.qmin(), Math.min(type.qmax(), zp));
        return new QuantParams(scale, zeroPoint, type);
    }

    /** The smallest real value representable. */
    public double representableLow() {
        return (double) scale * (type.qmin() - zeroPoint);
    }

    /** The largest real value representable. */
    public double representableHigh() {
        return (double) scale * (type.qmax() - zeroPoint);
    }
}
