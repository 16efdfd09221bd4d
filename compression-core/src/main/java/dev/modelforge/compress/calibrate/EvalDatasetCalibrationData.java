package dev.modelforge.compress.calibrate;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.modelforge.onnx.data.DType;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    public Map<String, OnnxTensor> batch(OrtEnvironment env, int start, int size) throws OrtException {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NdArray> e : dataset.batch(start, size).entrySet()) {
                NdArray array = e.getValue();
                // ORT takes byte data only from a direct buffer; dataset bytes are little-endian like the CPUs ORT runs on.
                ByteBuffer direct = ByteBuffer.allocateDirect((int) array.byteSize()).order(ByteOrder.nativeOrder());
                direct.put(array.data().duplicate()).flip();
                out.put(e.getKey(), OnnxTensor.createTensor(env, direct, array.shape(), javaType(array.dtype())));
            }
        } catch (OrtException | RuntimeException ex) {
            out.values().forEach(OnnxTensor::close);
            throw ex;
        }
        return out;
    }

    /** The ORT element type of a dataset dtype (every DType has one). */
    static OnnxJavaType javaType(DType dtype) {
        return switch (dtype) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
        };
    }
}
