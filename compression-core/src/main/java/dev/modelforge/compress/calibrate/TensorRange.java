package dev.modelforge.compress.calibrate;

/**
 * The range chosen for one activation tensor, next to what was actually observed.
 *
 * @param low          lower clipping bound chosen by the method
 * @param high         upper clipping bound chosen by the method
 * @param observedMin  smallest finite value seen during calibration
 * @param observedMax  largest finite value seen during calibration
 * @param method       how {@code low}/{@code high} were chosen
 * @param valueCount   number of finite values observed
 */
public record TensorRange(double low, double high, double observedMin, double observedMax,
                          CalibrationMethod method, long valueCount) {

    /** Whether the chosen range clips some observed values. */
    public boolean clips() {
        return low > observedMin || high < observedMax;
    }
}
