package dev.modelforge.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.util.Map;

/**
 * Calibration samples, served a batch at a time so that only one batch of inputs is ever in memory.
 *
 * <p>Implementations check names, dtypes and shapes against the model before calibration starts
 * (the dataset reader does that); the calibrator only slices.
 */
public interface CalibrationData {

    /** Number of samples available. */
    int sampleCount();

    /** The largest batch worth asking for: 1 when every sample is a case fed as stored (state inputs, scalars). */
    default int maxBatch() {
        return Integer.MAX_VALUE;
    }

    /**
     * Inputs for samples {@code [start, start + size)}, keyed by graph input name. The caller closes the tensors.
     */
    Map<String, OnnxTensor> batch(OrtEnvironment env, int start, int size) throws OrtException;
}
