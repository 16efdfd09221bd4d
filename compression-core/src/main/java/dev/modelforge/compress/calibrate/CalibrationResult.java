package dev.modelforge.compress.calibrate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What a calibration run observed, per tensor, and the ranges and parameters derived from it.
 */
public final class CalibrationResult {

    private final Map<String, TensorObserver> observers;
    private final CalibrationSettings settings;
    private final int samples;
    private final int batches;

    CalibrationResult(Map<String, TensorObserver> observers, CalibrationSettings settings, int samples, int batches) {
        this.observers = Collections.unmodifiableMap(new LinkedHashMap<>(observers));
        this.settings = settings;
        this.samples = samples;
        this.batches = batches;
    }

    /** Names of the observed tensors, in the order they were requested. */
    public Set<String> tensors() {
        return observers.keySet();
    }

    /** Settings the run used. */
    public CalibrationSettings settings() {
        return settings;
    }

    /** Samples run. */
    public int samples() {
        return samples;
    }

    /** ONNX Runtime runs made. */
    public int batches() {
        return batches;
    }

    /** Whether {@code tensor} produced at least one finite value. */
    public boolean hasRange(String tensor) {
        TensorObserver observer = observers.get(tensor);
        return observer != null && observer.count() > 0;
    }

    /** The observer of {@code tensor} (for reports and tests). */
    public TensorObserver observer(String tensor) {
        TensorObserver observer = observers.get(tensor);
        if (observer == null) {
            throw new NoSuchElementException("tensor '" + tensor + "' was not calibrated");
        }
        return observer;
    }

    /** The range the configured method chooses for {@code tensor}. */
    public TensorRange range(String tensor, ActivationType type) {
        return observer(tensor).range(settings.method(), settings.percentile(), type);
    }

    /** Quantization parameters for {@code tensor}. */
    public QuantParams params(String tensor, ActivationType type) {
        return QuantParams.of(range(tensor, type), type);
    }
}
