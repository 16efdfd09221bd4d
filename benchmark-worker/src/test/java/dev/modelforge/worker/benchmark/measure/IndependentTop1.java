package dev.modelforge.worker.benchmark.measure;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelforge.onnx.SignatureReader;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Top-1 accuracy of a single-input classifier on its eval set, computed without any of the worker's code: the plain
 * ORT Java API, one sample at a time, arg-max by hand. Tests compare the worker's numbers against it.
 */
public final class IndependentTop1 {

    private IndependentTop1() {
    }

    /** Share of samples whose arg-max over the first output equals the label; the input is named {@code input}. */
    public static double of(Path model, Path evalNpz) throws Exception {
        EvalDataset eval = EvalDataset.load(evalNpz, SignatureReader.read(model));
        NdArray inputs = eval.inputs().get("input");
        long[] labels = eval.labels().orElseThrow().toLongArray();
        int correct = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            for (int i = 0; i < eval.sampleCount(); i++) {
                NdArray row = inputs.slice(i, 1);
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(row.toFloatArray()), row.shape());
                     OrtSession.Result r = session.run(Map.of("input", t))) {
                    float[] logits = ((float[][]) r.get(0).getValue())[0];
                    int best = 0;
                    for (int k = 1; k < logits.length; k++) {
                        if (logits[k] > logits[best]) {
                            best = k;
                        }
                    }
                    correct += best == labels[i] ? 1 : 0;
                }
            }
        }
        return (double) correct / eval.sampleCount();
    }
}
