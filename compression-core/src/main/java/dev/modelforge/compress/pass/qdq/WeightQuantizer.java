package dev.modelforge.compress.pass.qdq;

/**
 * Symmetric int8 quantization of constant weights (zero point 0), per output channel or per tensor,
 * and int32 quantization of biases at {@code input scale × weight scale}.
 *
 * <p>Symmetric weights are what ORT's U8S8/S8S8 kernels take without zero-point correction terms;
 * per-channel scales keep channels with small weights from being rounded to zero by a large one.
 */
final class WeightQuantizer {

    private WeightQuantizer() {
    }

    /**
     * Quantized weight values.
     *
     * @param values int8 values in the original layout
     * @param scales one scale per channel along {@code axis}, or a single scale
     * @param axis   the channel axis, or -1 for per-tensor
     */
    record Quantized(byte[] values, float[] scales, int axis) {
    }

    /**
     * @param data   float values, row-major
     * @param shape  their shape
     * @param axis   channel axis (ignored when {@code perChannel} is false)
     * @param qmax   largest level (127, or 63 for reduced range)
     */
    static Quantized quantize(float[] data, long[] shape, int axis, boolean perChannel, int qmax) {
        if (!perChannel) {
            float absMax = 0;
            for (float v : data) {
                absMax = Math.max(absMax, Math.abs(v));
            }
            float scale = scaleFor(absMax, qmax);
            byte[] q = new byte[data.length];
            for (int i = 0; i < data.length; i++) {
                q[i] = level(data[i], scale, qmax);
            }
            return new Quantized(q, new float[] {scale}, -1);
        }
        int channels = (int) shape[axis];
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] absMax = new float[channels];
        for (int i = 0; i < data.length; i++) {
            int c = (int) ((i / inner) % channels);
            absMax[c] = Math.max(absMax[c], Math.abs(data[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = scaleFor(absMax[c], qmax);
        }
        byte[] q = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            q[i] = level(data[i], scales[(int) ((i / inner) % channels)], qmax);
        }
        return new Quantized(q, scales, axis);
    }

    /** An all-zero channel gets scale 1: any positive scale represents it exactly. */
    private static float scaleFor(float absMax, int qmax) {
        return absMax > 0 ? absMax / qmax : 1f;
    }

    private static byte level(float v, float scale, int qmax) {
        long q = Math.round(v / scale);
        return (byte) Math.max(-qmax, Math.min(qmax, q));
    }

    /** Bias scales: the product ORT's integer kernels assume, computed in float as they do. */
    static float[] biasScales(float inputScale, float[] weightScales) {
        float[] s = new float[weightScales.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = inputScale * weightScales[i];
        }
        return s;
    }

    /**
     * int32 bias values; entries beyond the int32 range are clamped (counted in the return's
     * second element so the report can say so).
     */
    static int[] quantizeBias(float[] bias, float[] scales, int[] clampedOut) {
        int[] q = new int[bias.length];
        int clamped = 0;
        for (int i = 0; i < bias.length; i++) {
            float s = scales.length == 1 ? scales[0] : scales[i];
            double v = Math.rint(bias[i] / (double) s);
            if (v > Integer.MAX_VALUE || v < -Integer.MAX_VALUE) {
                clamped++;
                v = Math.max(-Integer.MAX_VALUE, Math.min(Integer.MAX_VALUE, v));
            }
            q[i] = (int) v;
        }
        clampedOut[0] = clamped;
        return q;
    }
}
