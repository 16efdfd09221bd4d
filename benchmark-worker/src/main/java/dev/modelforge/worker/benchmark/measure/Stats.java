package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.api.benchmark.LatencyStats;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Summary statistics of latency samples and the bootstrap interval of a median. */
public final class Stats {

    private Stats() {
    }

    /**
     * @param batchSize  batch size the samples were taken at
     * @param nanos      per-call latencies in nanoseconds (at least one)
     * @return percentiles (linear interpolation between order statistics), mean and sample stddev in ms
     */
    public static LatencyStats latency(int batchSize, long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no latency samples");
        }
        double[] ms = new double[nanos.length];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = nanos[i] / 1e6;
        }
        Arrays.sort(ms);
        double mean = Arrays.stream(ms).average().orElseThrow();
        double var = 0;
        for (double v : ms) {
            var += (v - mean) * (v - mean);
        }
        double sd = ms.length > 1 ? Math.sqrt(var / (ms.length - 1)) : 0;
        return new LatencyStats(batchSize, ms.length, quantileSorted(ms, 0.5), quantileSorted(ms, 0.9),
                quantileSorted(ms, 0.95), quantileSorted(ms, 0.99), mean, sd, ms[0], ms[ms.length - 1]);
    }

    /**
     * @param sorted ascending values
     * @param q      quantile in [0, 1]
     * @return the quantile, interpolating linearly between neighbouring order statistics
     */
    public static double quantileSorted(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * @param values any order
     * @return the median
     */
    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return quantileSorted(s, 0.5);
    }

    /**
     * Percentile bootstrap interval of the median: resample the values with replacement, take each
     * resample's median, report the (1-level)/2 and (1+level)/2 quantiles of those medians.
     *
     * @param values     per-round values
     * @param level      confidence level, e.g. 0.95
     * @param resamples  number of resamples
     * @param seed       seed, so the same samples give the same interval
     * @return {low, high}
     */
    public static double[] bootstrapMedianInterval(double[] values, double level, int resamples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] medians = new double[resamples];
        double[] sample = new double[values.length];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = values[random.nextInt(values.length)];
            }
            medians[r] = median(sample);
        }
        Arrays.sort(medians);
        return new double[] {quantileSorted(medians, (1 - level) / 2), quantileSorted(medians, (1 + level) / 2)};
    }

    /**
     * Two-level percentile bootstrap of the pooled median: each resample draws groups (processes) with
     * replacement, then values (rounds) with replacement inside each drawn group. With one group it is
     * the ordinary bootstrap.
     *
     * @param groups     values per group
     * @param level      confidence level
     * @param resamples  number of resamples
     * @param seed       seed
     * @return {low, high}
     */
    public static double[] bootstrapMedianInterval(double[][] groups, double level, int resamples, long seed) {
        if (groups.length == 1) {
            return bootstrapMedianInterval(groups[0], level, resamples, seed);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] medians = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double[][] drawn = new double[groups.length][];
            int total = 0;
            for (int g = 0; g < groups.length; g++) {
                drawn[g] = groups[random.nextInt(groups.length)];
                total += drawn[g].length;
            }
            double[] pooled = new double[total];
            int i = 0;
            for (double[] g : drawn) {
                for (int j = 0; j < g.length; j++) {
                    pooled[i++] = g[random.nextInt(g.length)];
                }
            }
            medians[r] = median(pooled);
        }
        Arrays.sort(medians);
        return new double[] {quantileSorted(medians, (1 - level) / 2), quantileSorted(medians, (1 + level) / 2)};
    }
}
