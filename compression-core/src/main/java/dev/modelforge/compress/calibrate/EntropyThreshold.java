package dev.modelforge.compress.calibrate;

/**
 * TensorRT-style entropy calibration: the |x| clipping threshold whose quantized distribution is
 * closest (in KL divergence) to the observed one.
 *
 * <p>For every candidate threshold bin {@code i ≥ levels}: the reference distribution P is the first
 * {@code i} bins with all counts beyond folded into bin {@code i-1} (clipping keeps them, at the edge);
 * the candidate Q merges those {@code i} bins into {@code levels} groups and spreads each group's mass
 * evenly over its non-empty bins. The threshold is the upper edge of the best {@code i}. Bin 0 (where
 * ReLU's zeros pile up) is given its neighbour's count first, so the zero spike does not decide it.
 */
final class EntropyThreshold {

    /** Stands in for an empty Q bin where P has mass, so KL stays finite (TensorRT smooths likewise). */
    private static final double EPSILON = 1e-7;

    /** Candidates of the coarse pass of the threshold search. */
    private static final int COARSE_CANDIDATES = 128;

    private EntropyThreshold() {
    }

    /**
     * @param histogram the |x| histogram
     * @param levels    quantized levels available for |x| (128 for symmetric int8, 256 for non-negative uint8)
     * @return the threshold on |x|, or the histogram's upper edge if it has fewer bins than levels
     */
    static double threshold(AbsHistogram histogram, int levels) {
        int bins = histogram.binCount();
        double width = histogram.binWidth();
        if (histogram.total() == 0 || width == 0) {
            return 0;
        }
        int lastNonEmpty = bins - 1;
        while (lastNonEmpty > 0 && histogram.count(lastNonEmpty) == 0) {
            lastNonEmpty--;
        }
        int stop = lastNonEmpty + 1;
        if (stop <= levels) {
            return stop * width; // nothing to clip: every value already gets its own level
        }
        long[] h = new long[stop];
        for (int i = 0; i < stop; i++) {
            h[i] = histogram.count(i);
        }
        // The spike of exact zeros (ReLU outputs, padding) is represented exactly by any threshold,
        // yet it dominates the divergence and drags the threshold down; like NVIDIA's
        // implementation, let bin 0 weigh as much as its neighbour instead.
        h[0] = h[1];
        long[] suffix = new long[stop + 1];
        for (int i = stop - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + h[i];
        }
        // Coarse-to-fine: every candidate costs O(i), so scanning all ~2000 of them for each of a
        // transformer's ~100 tensors took seconds; a coarse grid of ~128 candidates, then every bin
        // around the coarse winner, finds the same minimum when KL varies smoothly, in ~1/10 the time.
        double[] q = new double[stop];
        int step = Math.max(1, (stop - levels) / COARSE_CANDIDATES);
        int bestI = best(h, suffix, levels, q, levels, stop, step);
        if (step > 1) {
            bestI = best(h, suffix, levels, q, Math.max(levels, bestI - step), Math.min(stop, bestI + step), 1);
        }
        return bestI * width;
    }

    private static int best(long[] h, long[] suffix, int levels, double[] q, int from, int to, int step) {
        double bestKl = Double.POSITIVE_INFINITY;
        int bestI = to;
        for (int i = from; i <= to; i += step) {
            double kl = divergence(h, suffix, i, levels, q);
            if (kl < bestKl) {
                bestKl = kl;
                bestI = i;
            }
        }
        return bestI;
    }

    private static double divergence(long[] h, long[] suffix, int i, int levels, double[] q) {
        for (int g = 0; g < levels; g++) {
            int start = (int) ((long) g * i / levels);
            int end = (int) ((long) (g + 1) * i / levels);
            long mass = 0;
            int nonEmpty = 0;
            for (int k = start; k < end; k++) {
                mass += h[k];
                if (referenceMass(h, suffix, i, k) != 0) {
                    nonEmpty++;
                }
            }
            double share = nonEmpty == 0 ? 0 : (double) mass / nonEmpty;
            for (int k = start; k < end; k++) {
                q[k] = referenceMass(h, suffix, i, k) != 0 ? share : 0;
            }
        }
        double pTotal = suffix[0];
        double qTotal = suffix[0] - suffix[i];
        if (qTotal <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int k = 0; k < i; k++) {
            double p = referenceMass(h, suffix, i, k);
            if (p == 0) {
                continue;
            }
            double pn = p / pTotal;
            double qn = q[k] > 0 ? q[k] / qTotal : EPSILON;
            kl += pn * Math.log(pn / qn);
        }
        return kl;
    }

    /** P's unnormalized mass in bin k: the clipped-away tail lands in the last kept bin. */
    private static long referenceMass(long[] h, long[] suffix, int i, int k) {
        return h[k] + (k == i - 1 ? suffix[i] : 0);
    }
}
