package dev.modelforge.compress.pass.prune;

/**
 * Streaming least squares: accumulates XᵀX (K×K) and XᵀY (K×N) row block by row block, so
 * reconstruction memory is independent of the number of calibration rows, then solves the ridge
 * system (XᵀX + λI) W = XᵀY by Cholesky. Plain Java: K stays in the hundreds to low thousands for
 * the layers we reconstruct, where O(K³) is milliseconds.
 */
public final class NormalEquations {
    private final int k;
    private final int n;
    private final double[] xtx;
    private final double[] xty;
    private long rows;

    /** Accumulators for {@code k} regressors and {@code n} targets. */
    public NormalEquations(int k, int n) {
        this.k = k;
        this.n = n;
        this.xtx = new double[k * k];
        this.xty = new double[k * n];
    }

    public int k() {
        return k;
    }

    public long rows() {
        return rows;
    }

    /** Adds one row: {@code x[xOff .. xOff+k)} and targets {@code y[yOff .. yOff+n)}. */
    public void add(float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < k; i++) {
            double xi = x[xOff + i];
            if (xi == 0) {
                continue; // ReLU outputs are mostly zero: skip their rows of the outer product
            }
            int base = i * k;
            for (int j = i; j < k; j++) {
                xtx[base + j] += xi * x[xOff + j];
            }
            int yb = i * n;
            for (int j = 0; j < n; j++) {
                xty[yb + j] += xi * y[yOff + j];
            }
        }
        rows++;
    }

    /**
     * Solves for all targets with ridge {@code lambda = alpha · mean(diag XᵀX)}.
     *
     * @return W as [k][n] row-major, or null when the system is singular even with the ridge
     */
    public double[] solve(double alpha) {
        int[] all = new int[k];
        for (int i = 0; i < k; i++) {
            all[i] = i;
        }
        double[] out = new double[k * n];
        double[] chol = factor(all, alpha);
        if (chol == null) {
            return null;
        }
        double[] rhs = new double[k];
        double[] sol = new double[k];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < k; i++) {
                rhs[i] = xty[i * n + j];
            }
            substitute(chol, k, rhs, sol);
            for (int i = 0; i < k; i++) {
                out[i * n + j] = sol[i];
            }
        }
        return out;
    }

    /**
     * Solves target {@code j} using only the regressors in {@code support} (unstructured pruning:
     * each output keeps its own inputs). Returns coefficients aligned with {@code support}.
     */
    public double[] solveSubset(int j, int[] support, double alpha) {
        if (support.length == 0) {
            return new double[0];
        }
        double[] chol = factor(support, alpha);
        if (chol == null) {
            return null;
        }
        double[] rhs = new double[support.length];
        for (int i = 0; i < support.length; i++) {
            rhs[i] = xty[support[i] * n + j];
        }
        double[] sol = new double[support.length];
        substitute(chol, support.length, rhs, sol);
        return sol;
    }

    private double get(int i, int j) {
        return i <= j ? xtx[i * k + j] : xtx[j * k + i];
    }

    /** Lower Cholesky factor of the (ridged) submatrix, or null if not positive definite. */
    private double[] factor(int[] idx, double alpha) {
        int m = idx.length;
        double meanDiag = 0;
        for (int i : idx) {
            meanDiag += get(i, i);
        }
        meanDiag = Math.max(meanDiag / m, 1e-12);
        double lambda = alpha * meanDiag;
        double[] l = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double s = get(idx[i], idx[j]) + (i == j ? lambda : 0);
                for (int p = 0; p < j; p++) {
                    s -= l[i * m + p] * l[j * m + p];
                }
                if (i == j) {
                    if (s <= 0) {
                        return null;
                    }
                    l[i * m + i] = Math.sqrt(s);
                } else {
                    l[i * m + j] = s / l[j * m + j];
                }
            }
        }
        return l;
    }

    private static void substitute(double[] l, int m, double[] b, double[] x) {
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            double s = b[i];
            for (int p = 0; p < i; p++) {
                s -= l[i * m + p] * y[p];
            }
            y[i] = s / l[i * m + i];
        }
        for (int i = m - 1; i >= 0; i--) {
            double s = y[i];
            for (int p = i + 1; p < m; p++) {
                s -= l[p * m + i] * x[p];
            }
            x[i] = s / l[i * m + i];
        }
    }
}
