package dev.modelforge.compress.calibrate;

/** Calibration could not run; the message says what was wrong with the model or the data. */
public class CalibrationException extends RuntimeException {

    /** With a message that names what to fix. */
    public CalibrationException(String message) {
        super(message);
    }

    /** With a message and the runtime's cause. */
    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
