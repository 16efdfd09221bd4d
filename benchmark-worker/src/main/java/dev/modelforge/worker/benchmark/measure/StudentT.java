package dev.modelforge.worker.benchmark.measure;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Two-sided quantiles of Student's t (integer degrees of freedom) and of the standard normal, for the
 * latency-ratio intervals, from Apache Commons Math. Only the argument checks and the two-sided framing are
 * ours.
 */
final class StudentT {

    /** The standard normal; no random generator, since nothing is sampled. */
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private StudentT() {
    }

    /**
     * @param level two-sided coverage in (0, 1), e.g. 0.95
     * @param df    degrees of freedom, at least 1
     * @return q with P(|T| ≤ q) = level, e.g. 4.303 for level 0.95 and df 2
     */
    static double twoSidedQuantile(double level, int df) {
        checkLevel(level);
        return t(df).inverseCumulativeProbability((1 + level) / 2);
    }

    /**
     * @param level two-sided coverage in (0, 1)
     * @return z with P(|Z| ≤ z) = level, e.g. 1.960 for 0.95
     */
    static double normalTwoSidedQuantile(double level) {
        checkLevel(level);
        return NORMAL.inverseCumulativeProbability((1 + level) / 2);
    }

    /** P(|T| ≤ q) for T ~ t(df), q ≥ 0. */
    static double centralProbability(double q, int df) {
        return 2 * t(df).cumulativeProbability(q) - 1;
    }

    /** P(|Z| ≤ z) for the standard normal, z ≥ 0. */
    static double normalCentralProbability(double z) {
        return 2 * NORMAL.cumulativeProbability(z) - 1;
    }

    private static TDistribution t(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("t needs at least 1 degree of freedom, got " + df);
        }
        return new TDistribution(null, df);
    }

    private static void checkLevel(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must lie in (0, 1), got " + level);
        }
    }
}
