package dev.modelforge.worker.benchmark.measure;

/**
 * Two-sided quantiles of Student's t (integer degrees of freedom) and of the standard normal, for the
 * latency-ratio intervals. Exact: the t distribution function for integer df is a finite trigonometric sum
 * (Abramowitz &amp; Stegun 26.7.3–4), the normal one a convergent power series; quantiles by bisection.
 * Only a handful of quantiles are needed per job, so speed does not matter; no dependency is worth it.
 */
final class StudentT {

    private StudentT() {
    }

    /**
     * @param level two-sided coverage in (0, 1), e.g. 0.95
     * @param df    degrees of freedom, at least 1
     * @return q with P(|T| ≤ q) = level, e.g. 4.303 for level 0.95 and df 2
     */
    static double twoSidedQuantile(double level, int df) {
        if (df < 1) {
            throw new IllegalArgumentException("t needs at least 1 degree of freedom, got " + df);
        }
        return invert(level, q -> centralProbability(q, df));
    }

    /**
     * @param level two-sided coverage in (0, 1)
     * @return z with P(|Z| ≤ z) = level, e.g. 1.960 for 0.95
     */
    static double normalTwoSidedQuantile(double level) {
        return invert(level, StudentT::normalCentralProbability);
    }

    /** P(|T| ≤ q) for T ~ t(df), q ≥ 0. */
    static double centralProbability(double q, int df) {
        double theta = Math.atan(q / Math.sqrt(df));
        double c2 = Math.cos(theta) * Math.cos(theta);
        double s = Math.sin(theta);
        if (df % 2 == 0) {
            // sinθ · [1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^(df−2)θ]
            double term = 1;
            double sum = 1;
            for (int j = 2; j <= df - 2; j += 2) {
                term *= c2 * (j - 1) / j;
                sum += term;
            }
            return s * sum;
        }
        // (2/π) · [θ + sinθ cosθ (1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + … up to cos^(df−3)θ)], df ≥ 3
        double sum = 0;
        if (df > 1) {
            double term = 1;
            sum = 1;
            for (int j = 3; j <= df - 2; j += 2) {
                term *= c2 * (j - 1) / j;
                sum += term;
            }
            sum *= s * Math.cos(theta);
        }
        return 2 / Math.PI * (theta + sum);
    }

    /** P(|Z| ≤ z) = 2·φ(z)·(z + z³/3 + z⁵/(3·5) + …), z ≥ 0; the series converges for every z. */
    static double normalCentralProbability(double z) {
        double term = z;
        double sum = z;
        for (int n = 1; n < 500 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= z * z / (2 * n + 1);
            sum += term;
        }
        return Math.min(1, 2 * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) * sum);
    }

    private static double invert(double level, java.util.function.DoubleUnaryOperator central) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must lie in (0, 1), got " + level);
        }
        double lo = 0;
        double hi = 1;
        while (central.applyAsDouble(hi) < level) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (central.applyAsDouble(mid) < level) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
