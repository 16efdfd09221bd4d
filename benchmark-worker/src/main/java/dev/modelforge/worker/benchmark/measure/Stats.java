package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.api.benchmark.LatencyStats;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Summary statistics of latency samples, the bootstrap interval of a median and the intervals of a latency ratio. */
public final class Stats {

    /** π/2: variance of a median over that of a mean, for normal data and many values. */
    private static final double MEDIAN_VARIANCE_FACTOR = Math.PI / 2;

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
        double sd = sampleSd(ms, mean);
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
     * Intervals of a ratio from one estimate per independent process, in log space (ratios are
     * multiplicative), under a two-component model: ln(process ratio) = truth + job effect + process effect.
     *
     * <p>Point: the median of the per-process ratios. On the team machine (a 2-vCPU VM with noisy
     * neighbours) some processes run the int8 variant 15–25 % slower from start to end; a mean would move a
     * job's ratio by several percent for each of them.
     *
     * <p>Process component: the sample standard deviation s of ln(ratio) between the k processes; the
     * median's standard error from it is √(π/2)·s/√k (its large-sample factor under normality, slightly
     * conservative for few processes). A disturbed process inflates s, so that job's intervals widen.
     *
     * <p>Job component: what all processes of one job share — the machine's state while the job runs —
     * cannot show up between them, so a job whose processes all happened to be undisturbed would claim a
     * narrow interval that the next job misses. Its standard deviation {@code jobLogSpread} is a property
     * of the machine, measured between repeated jobs (bench/BENCHMARK_AGREEMENT.md), and is added in
     * quadrature: se² = π/2·s²/k + jobLogSpread².
     *
     * <p>Multiplier q: Student's t with k−1 degrees of freedom for the estimated process part (4.30 at
     * k = 3 and 95 %, 2.57 at k = 6), which keeps few processes honest; with the known job part added, the
     * Welch–Satterthwaite degrees of freedom (rounded down), so a known component does not get the small-k
     * penalty. Confidence interval of the ratio on this machine: point ± q·se;
     * prediction interval of a repeated job's point (which has its own error of the same size):
     * point ± q·se·√2. With one process no spread can be estimated: se = jobLogSpread, q normal; callers
     * fold what they know about that process into {@code jobLogSpread}.
     *
     * @param processRatios one positive ratio per process
     * @param level         confidence level, e.g. 0.95
     * @param jobLogSpread  standard deviation of ln(ratio) between jobs not visible between a job's processes
     * @return point, both intervals and the measured between-process spread
     */
    public static RatioIntervals ratioIntervals(double[] processRatios, double level, double jobLogSpread) {
        int k = processRatios.length;
        if (k == 0) {
            throw new IllegalArgumentException("no process ratios");
        }
        double[] logs = new double[k];
        for (int i = 0; i < k; i++) {
            if (!(processRatios[i] > 0) || Double.isInfinite(processRatios[i])) {
                throw new IllegalArgumentException("ratio of process " + (i + 1) + " is not a positive number: "
                        + processRatios[i]);
            }
            logs[i] = Math.log(processRatios[i]);
        }
        double measured = sampleSd(logs, Arrays.stream(logs).average().orElseThrow());
        double point = median(logs);
        double processVar = MEDIAN_VARIANCE_FACTOR * measured * measured / k;
        double jobVar = jobLogSpread * jobLogSpread;
        double se = Math.sqrt(processVar + jobVar);
        double q = processVar == 0 ? StudentT.normalTwoSidedQuantile(level)
                : StudentT.twoSidedQuantile(level, effectiveDf(processVar, jobVar, k - 1));
        double ci = q * se;
        double pi = q * se * Math.sqrt(2);
        return new RatioIntervals(Math.exp(point), Math.exp(point - ci), Math.exp(point + ci),
                Math.exp(point - pi), Math.exp(point + pi), measured);
    }

    /**
     * Welch–Satterthwaite degrees of freedom of an estimated variance (df known) plus a known one, rounded
     * down (conservative) so the exact integer-df t applies; capped where t equals the normal to 4 digits.
     */
    private static int effectiveDf(double estimatedVar, double knownVar, int df) {
        double total = estimatedVar + knownVar;
        double nu = total * total / (estimatedVar * estimatedVar / df);
        return (int) Math.min(Math.floor(nu), 10_000);
    }

    /**
     * @param ratio          median of the per-process ratios
     * @param ciLow          confidence interval of the ratio on this machine, lower bound
     * @param ciHigh         confidence interval of the ratio on this machine, upper bound
     * @param predictionLow  where a repeated job's ratio falls, lower bound
     * @param predictionHigh where a repeated job's ratio falls, upper bound
     * @param logSpread      measured standard deviation of ln(ratio) between processes (0 for one process)
     */
    public record RatioIntervals(double ratio, double ciLow, double ciHigh, double predictionLow,
                                 double predictionHigh, double logSpread) {
    }

    /** Sample standard deviation (n − 1 in the denominator) around {@code mean}; 0 for fewer than two values. */
    public static double sampleSd(double[] values, double mean) {
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
    }
}
