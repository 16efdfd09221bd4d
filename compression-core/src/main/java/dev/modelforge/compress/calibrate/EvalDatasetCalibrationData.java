package dev.modelforge.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves a validated {@link EvalDataset} (names, dtypes and ranks already checked against the model)
 * as calibration batches. Each batch's tensors are created from slices of the dataset's arrays when
 * asked for and closed by the calibrator, so at most one batch of inputs is held natively.
 */
public final class EvalDatasetCalibrationData implements CalibrationData {

    private final EvalDataset dataset;

    /** Wraps {@code dataset}. */
    public EvalDatasetCalibrationData(EvalDataset dataset) {
        this.dataset = dataset;
    }

    @Override
    public int sampleCount() {
        return dataset.sampleCount();
    }

    @Override
    public int maxBatch() {
        return dataset.maxBatch();
    }

    @Override
    public Map<String, OnnxTensor> batch(OrtEnvironment env, int start, int size) throws OrtException {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NdArray> e : dataset.batch(start, size).entrySet()) {
                // OrtSessions' environment is the process-wide one, the same as env
                out.put(e.getKey(), OrtSessions.tensor(e.getValue()));
            }
        } catch (OrtException | RuntimeException ex) {
            out.values().forEach(OnnxTensor::close);
            throw ex;
        }
        return out;
    }
}
