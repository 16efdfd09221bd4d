package dev.modelforge.compress.pass;

/**
 * Receives progress of long steps (calibration batches, per-layer work) so a CLI can draw a bar and
 * a worker can log. Called from the pass's thread; must be cheap.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = (phase, done, total) -> { };

    /**
     * @param phase what is running, e.g. {@code calibrate}
     * @param done  units finished so far
     * @param total units in all (≤ 0 when unknown)
     */
    void onProgress(String phase, long done, long total);
}
