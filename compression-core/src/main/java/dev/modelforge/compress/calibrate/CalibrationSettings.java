package dev.modelforge.compress.calibrate;

/**
 * How to calibrate.
 *
 * @param method          range selection method
 * @param percentile      for {@link CalibrationMethod#PERCENTILE}: percentile of |x| kept, in (0, 100]
 * @param batchSize       samples per ONNX Runtime run; bounds the activation memory of one step
 * @param maxSamples      use at most this many samples (≤ 0: all)
 * @param intraOpThreads  ONNX Runtime intra-op threads (≤ 0: ORT's default)
 */
public record CalibrationSettings(CalibrationMethod method, double percentile, int batchSize,
                                  int maxSamples, int intraOpThreads) {

    /** Defaults: min-max, 99.99th percentile when asked for percentile, batches of 16, all samples. */
    public static final CalibrationSettings DEFAULT =
            new CalibrationSettings(CalibrationMethod.MIN_MAX, 99.99, 16, 0, 0);

    public CalibrationSettings {
        if (method == null) {
            throw new IllegalArgumentException("calibration method is required");
        }
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("calibration batch size must be >= 1, got " + batchSize);
        }
    }

    /** A copy with another method. */
    public CalibrationSettings withMethod(CalibrationMethod newMethod) {
        return new CalibrationSettings(newMethod, percentile, batchSize, maxSamples, intraOpThreads);
    }
}
