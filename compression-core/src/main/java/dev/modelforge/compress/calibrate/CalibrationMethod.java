package dev.modelforge.compress.calibrate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an activation's clipping range is chosen from what the calibration run observed.
 *
 * <p>{@link #MIN_MAX} keeps every observed value representable; {@link #PERCENTILE} and
 * {@link #ENTROPY} clip rare outliers so that the common values get finer quantization steps.
 */
public enum CalibrationMethod {
    /** Range is the observed minimum and maximum. */
    MIN_MAX("minmax"),
    /** Range clips |x| at a percentile (e.g. 99.99) of the observed magnitudes. */
    PERCENTILE("percentile"),
    /** Range clips |x| at the threshold minimizing the KL divergence of the quantized histogram (TensorRT style). */
    ENTROPY("entropy");

    private final String id;

    CalibrationMethod(String id) {
        this.id = id;
    }

    /** The name used in recipes and on the command line. */
    public String id() {
        return id;
    }

    /** Whether the method needs a histogram of |x| (min-max needs only running extremes). */
    public boolean needsHistogram() {
        return this != MIN_MAX;
    }

    /**
     * Parses a recipe value such as {@code minmax}, {@code min-max}, {@code percentile} or {@code entropy}.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static CalibrationMethod parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (CalibrationMethod m : values()) {
            if (m.id.equals(key)) {
                return m;
            }
        }
        if (key.equals("kl")) {
            return ENTROPY;
        }
        throw new IllegalArgumentException("unknown calibration method '" + text + "'; use one of "
                + Arrays.stream(values()).map(CalibrationMethod::id).collect(Collectors.joining(", ")));
    }
}
