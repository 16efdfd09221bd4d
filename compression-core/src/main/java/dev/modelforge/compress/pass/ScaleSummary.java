package dev.modelforge.compress.pass;

/**
 * Summary of the quantization parameters chosen for one node, so a report shows at a glance whether
 * a scale collapsed to ~0 or exploded.
 *
 * @param count        number of scales (1 = per tensor, N = per channel/block)
 * @param min          smallest scale
 * @param max          largest scale
 * @param mean         mean scale
 * @param zeroPointMin smallest zero point
 * @param zeroPointMax largest zero point
 */
public record ScaleSummary(int count, double min, double max, double mean, int zeroPointMin, int zeroPointMax) {
    /** Summarises scales and zero points (zero points may be null for symmetric schemes: all 0). */
    public static ScaleSummary of(float[] scales, int[] zeroPoints) {
        double mn = Double.POSITIVE_INFINITY;
        double mx = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float s : scales) {
            mn = Math.min(mn, s);
            mx = Math.max(mx, s);
            sum += s;
        }
        int zmin = 0;
        int zmax = 0;
        if (zeroPoints != null && zeroPoints.length > 0) {
            zmin = Integer.MAX_VALUE;
            zmax = Integer.MIN_VALUE;
            for (int z : zeroPoints) {
                zmin = Math.min(zmin, z);
                zmax = Math.max(zmax, z);
            }
        }
        return new ScaleSummary(scales.length, mn, mx, scales.length == 0 ? 0 : sum / scales.length, zmin, zmax);
    }
}
