package dev.modelforge.compress.pass;

/**
 * Symmetric int8 weight quantization of a row-major [K, N] matrix, per tensor or per column.
 * Rounding is half-to-even, as ONNX Runtime's {@code QuantizeLinear} does.
 */
public final class Int8Quantizer {
    private Int8Quantizer() {
    }

    /** Quantized values and their scales (one, or one per column). */
    public record Result(byte[] values, float[] scales) {
    }

    /**
     * @param w          weights, row-major [k, n]
     * @param perColumn  one scale per column instead of one for the tensor
     * @param qmax       largest code (127, or 63 with reduce-range)
     */
    public static Result quantize(float[] w, int k, int n, boolean perColumn, int qmax) {
        float[] amax = new float[perColumn ? n : 1];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                int s = perColumn ? c : 0;
                amax[s] = Math.max(amax[s], Math.abs(w[r * n + c]));
            }
        }
        float[] scales = new float[amax.length];
        for (int i = 0; i < amax.length; i++) {
            // An all-zero column gets scale 1 so that dequantization stays exact (0 * 1 = 0).
            scales[i] = amax[i] == 0f ? 1f : amax[i] / qmax;
        }
        byte[] q = new byte[w.length];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                float s = scales[perColumn ? c : 0];
                double v = Math.rint(w[r * n + c] / s);
                q[r * n + c] = (byte) Math.max(-qmax, Math.min(qmax, v));
            }
        }
        return new Result(q, scales);
    }
}
