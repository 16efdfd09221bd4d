package dev.modelforge.compress.pass.qdq;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.calibrate.CalibrationData;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a model over the first calibration samples one at a time (basic optimizations, so exposed tensors survive;
 * spinning off), for the passes of int8-static that look at float values after calibration: the tensor fallback and
 * channel equalization.
 */
final class SampleRuns {

    /** Receives every float output of every run (also the exposed intermediate tensors). */
    interface Sink {
        void accept(String name, long[] shape, FloatBuffer values);
    }

    /** Receives one value of an NC… tensor with its channel (axis 1). */
    interface ChannelValue {
        void accept(int channel, float value);
    }

    private SampleRuns() {
    }

    /** Walks {@code values} (shape {@code [N, C, …]}) handing each value on with its channel; returns N·(spatial size). */
    static long forEachChannelValue(long[] shape, FloatBuffer values, ChannelValue visitor) {
        int channels = (int) shape[1];
        long inner = 1;
        for (int i = 2; i < shape.length; i++) {
            inner *= shape[i];
        }
        int base = values.position();
        int n = values.limit() - base;
        for (int i = 0; i < n; i++) {
            visitor.accept((int) ((i / inner) % channels), values.get(base + i));
        }
        return n / channels;
    }

    /**
     * Runs {@code model} over samples {@code [0, samples)}; returns the flattened {@code outputs}, per sample and
     * output in the session's output order.
     */
    static List<float[]> run(OnnxMl.ModelProto model, CalibrationData data, int samples, int intraOpThreads,
                             List<String> outputs, Sink sink) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<float[]> result = new ArrayList<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            if (intraOpThreads > 0) {
                so.setIntraOpNumThreads(intraOpThreads);
            }
            try (OrtSession session = env.createSession(model.toByteArray(), so)) {
                for (int s = 0; s < samples; s++) {
                    Map<String, OnnxTensor> inputs = data.batch(env, s, 1);
                    try (OrtSession.Result r = session.run(inputs)) {
                        for (Map.Entry<String, OnnxValue> e : r) {
                            if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
                                FloatBuffer buf = t.getFloatBuffer();
                                if (outputs.contains(e.getKey())) {
                                    float[] copy = new float[buf.remaining()];
                                    buf.duplicate().get(copy);
                                    result.add(copy);
                                }
                                sink.accept(e.getKey(), t.getInfo().getShape(), buf);
                            }
                        }
                    } finally {
                        inputs.values().forEach(OnnxTensor::close);
                    }
                }
            }
        }
        return result;
    }
}
