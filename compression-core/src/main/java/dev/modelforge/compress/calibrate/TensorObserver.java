package dev.modelforge.compress.calibrate;

import java.nio.FloatBuffer;

/**
 * Streaming statistics of one activation tensor across calibration batches: running min/max and,
 * for the histogram methods, an {@link AbsHistogram} of |x|.
 *
 * <p>Memory bound: a fixed {@link #stateBytes()} (≈ 16 KiB with the default 2048 bins, a few bytes
 * for min-max) per observed tensor, independent of the number of samples or batches; the batch itself
 * is only read, never copied or kept.
 */
public final class TensorObserver {

    private final AbsHistogram histogram;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long count;
    private long nonFinite;

    /**
     * @param withHistogram whether to keep a histogram (needed by percentile and entropy)
     * @param binCount      histogram bins (power of two), ignored without histogram
     */
    public TensorObserver(boolean withHistogram, int binCount) {
        this.histogram = withHistogram ? new AbsHistogram(binCount) : null;
    }

    /** An observer suited to {@code method} with the default bin count. */
    public static TensorObserver forMethod(CalibrationMethod method) {
        return new TensorObserver(method.needsHistogram(), AbsHistogram.DEFAULT_BINS);
    }

    /** Observes the values between the buffer's position and limit (position unchanged). */
    public void observe(FloatBuffer values) {
        double batchMin = Double.POSITIVE_INFINITY;
        double batchMax = Double.NEGATIVE_INFINITY;
        long finite = 0;
        for (int i = values.position(), end = values.limit(); i < end; i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                nonFinite++;
                continue;
            }
            finite++;
            if (v < batchMin) {
                batchMin = v;
            }
            if (v > batchMax) {
                batchMax = v;
            }
        }
        if (finite == 0) {
            return;
        }
        min = Math.min(min, batchMin);
        max = Math.max(max, batchMax);
        count += finite;
        if (histogram != null) {
            histogram.add(values, Math.max(-batchMin, batchMax));
        }
    }

    /** Convenience for tests and small inputs. */
    public void observe(float[] values) {
        observe(FloatBuffer.wrap(values));
    }

    /** Number of finite values seen. */
    public long count() {
        return count;
    }

    /** Number of NaN/Inf values seen (ignored for the range, reported as a warning). */
    public long nonFiniteCount() {
        return nonFinite;
    }

    /** Smallest finite value seen (+∞ if none). */
    public double min() {
        return min;
    }

    /** Largest finite value seen (−∞ if none). */
    public double max() {
        return max;
    }

    /** The |x| histogram, or {@code null} for min-max observers. */
    public AbsHistogram histogram() {
        return histogram;
    }

    /** Bytes of state this observer holds; constant after construction. */
    public long stateBytes() {
        return 4L * Long.BYTES + (histogram == null ? 0 : histogram.stateBytes());
    }

    /**
     * The range {@code method} chooses from what was observed.
     *
     * @param method     how to choose
     * @param percentile for {@link CalibrationMethod#PERCENTILE}: the percentile of |x| to keep, in (0, 100]
     * @param type       activation type: entropy uses 256 levels for non-negative uint8 tensors, 128 otherwise
     * @throws IllegalStateException if nothing finite was observed
     */
    public TensorRange range(CalibrationMethod method, double percentile, ActivationType type) {
        if (count == 0) {
            throw new IllegalStateException("no finite values were observed");
        }
        if (method != CalibrationMethod.MIN_MAX && histogram == null) {
            throw new IllegalStateException(method.id() + " calibration needs a histogram observer");
        }
        double threshold = switch (method) {
            case MIN_MAX -> Double.POSITIVE_INFINITY;
            case PERCENTILE -> histogram.percentileAbs(percentile);
            case ENTROPY -> EntropyThreshold.threshold(histogram,
                    type == ActivationType.UINT8 && min >= 0 ? 256 : 128);
        };
        double low = Math.max(min, -threshold);
        double high = Math.min(max, threshold);
        return new TensorRange(low, high, min, max, method, count);
    }
}
