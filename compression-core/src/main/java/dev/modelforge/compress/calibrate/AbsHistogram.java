package dev.modelforge.compress.calibrate;

import java.nio.FloatBuffer;

/**
 * A streaming histogram of |x| with a fixed number of equal bins over {@code [0, upperEdge)}.
 *
 * <p>When a value beyond the upper edge arrives the bin width doubles and neighbouring bins are
 * merged in place, as often as needed. Merging pairs keeps every count exact (no interpolation,
 * so results are deterministic) and the state is one {@code long[binCount]} allocated once, whatever
 * the number of values seen. The price is resolution: values seen before a large outlier end up in
 * coarser bins, which for calibration is the same trade-off ORT's collectors make.
 */
public final class AbsHistogram {

    /** Bin count TensorRT uses for its entropy calibration; also our default. */
    public static final int DEFAULT_BINS = 2048;

    private final long[] counts;
    private double binWidth;
    private long total;

    /** A histogram with {@code binCount} bins; {@code binCount} must be a power of two ≥ 2. */
    public AbsHistogram(int binCount) {
        if (binCount < 2 || Integer.bitCount(binCount) != 1) {
            throw new IllegalArgumentException("bin count must be a power of two >= 2, got " + binCount);
        }
        this.counts = new long[binCount];
    }

    /**
     * Adds {@code |x|} of every finite value in {@code values} (position to limit; the buffer's position
     * is not changed). {@code batchAbsMax} must be the largest finite |x| among them, computed by the
     * caller in the same pass that tracks min/max, so the data is read twice rather than three times.
     */
    public void add(FloatBuffer values, double batchAbsMax) {
        ensureCovers(batchAbsMax);
        int lastBin = counts.length - 1;
        double inverse = binWidth > 0 ? 1.0 / binWidth : 0.0;
        for (int i = values.position(), end = values.limit(); i < end; i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                continue;
            }
            int bin = (int) (Math.abs(v) * inverse);
            counts[Math.min(bin, lastBin)]++;
            total++;
        }
    }

    private void ensureCovers(double absMax) {
        if (absMax <= 0) {
            return; // all zeros land in bin 0 whatever the width
        }
        if (binWidth == 0) {
            binWidth = absMax / counts.length;
            return;
        }
        while (absMax > binWidth * counts.length) {
            int half = counts.length / 2;
            for (int i = 0; i < half; i++) {
                counts[i] = counts[2 * i] + counts[2 * i + 1];
            }
            java.util.Arrays.fill(counts, half, counts.length, 0L);
            binWidth *= 2;
        }
    }

    /** Number of bins. */
    public int binCount() {
        return counts.length;
    }

    /** Width of every bin (0 while only zeros were seen). */
    public double binWidth() {
        return binWidth;
    }

    /** Number of values counted. */
    public long total() {
        return total;
    }

    /** Count in bin {@code i}, which holds |x| in {@code [i*width, (i+1)*width)} (the last bin also its upper edge). */
    public long count(int i) {
        return counts[i];
    }

    /**
     * The smallest bin upper edge {@code t} such that at least {@code percentile}% of the values have
     * |x| ≤ t (up to bin resolution); 0 if empty.
     */
    public double percentileAbs(double percentile) {
        if (total == 0 || binWidth == 0) {
            return 0;
        }
        double target = Math.ceil(percentile / 100.0 * total);
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            if (cumulative >= target) {
                return (i + 1) * binWidth;
            }
        }
        return counts.length * binWidth;
    }

    /** Bytes held by this histogram's state, independent of how many values were added. */
    public long stateBytes() {
        return (long) counts.length * Long.BYTES + 2L * Long.BYTES;
    }
}
