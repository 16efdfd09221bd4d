package dev.modelforge.compress.calibrate;

/** Receives one call per finished calibration batch, e.g. to drive the CLI's progress bar. */
@FunctionalInterface
public interface CalibrationProgress {

    /** Ignores progress. */
    CalibrationProgress NONE = (done, total) -> { };

    /**
     * @param samplesDone  samples run so far
     * @param samplesTotal samples that will be run in all
     */
    void onBatch(int samplesDone, int samplesTotal);
}
