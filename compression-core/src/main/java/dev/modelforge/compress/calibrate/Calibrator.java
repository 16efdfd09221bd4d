package dev.modelforge.compress.calibrate;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a float model over calibration data with ONNX Runtime and observes chosen intermediate tensors.
 *
 * <p>The tensors are exposed by a temporary copy of the model that lists them as extra graph outputs
 * (declared with their element type only: ORT infers shapes itself). Samples go through in batches
 * of {@link CalibrationSettings#batchSize()}, and each batch's outputs are folded into per-tensor
 * {@link TensorObserver}s and released before the next run, so memory is one batch of activations
 * plus a fixed observer state per tensor, whatever the number of samples.
 *
 * <p>Intra-op spinning is disabled: calibration shares the machine with builds and benchmarks, and
 * spinning workers would burn a core between runs for nothing.
 */
public final class Calibrator {

    private Calibrator() {
    }

    /**
     * Calibrates {@code tensors} of {@code model}.
     *
     * @param model    a float model with its weights inline (ORT loads it from bytes)
     * @param tensors  float tensor names to observe (graph inputs, node outputs or graph outputs)
     * @param data     calibration samples
     * @param settings method, batch size, sample cap, threads
     * @param progress called after every batch
     * @throws CalibrationException if the model cannot run or a requested tensor does not exist or is not float
     */
    public static CalibrationResult run(OnnxMl.ModelProto model, Collection<String> tensors, CalibrationData data,
                                        CalibrationSettings settings, CalibrationProgress progress) {
        Set<String> wanted = new LinkedHashSet<>(tensors);
        int available = data.sampleCount();
        int total = settings.maxSamples() > 0 ? Math.min(available, settings.maxSamples()) : available;
        if (total <= 0) {
            throw new CalibrationException("the calibration set has no samples");
        }
        OnnxMl.ModelProto augmented = exposeTensors(model, wanted);
        Map<String, TensorObserver> observers = new LinkedHashMap<>();
        for (String name : wanted) {
            observers.put(name, TensorObserver.forMethod(settings.method()));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int batches = 0;
        int done = 0;
        try (OrtSession.SessionOptions options = sessionOptions(settings);
             OrtSession session = env.createSession(augmented.toByteArray(), options)) {
            // per-case data is fed as stored: a fixed first dim (a state's layer count) is no batch size then
            int fixed = data.maxBatch() == 1 ? 0 : fixedBatchSize(session);
            if (fixed > total) {
                throw new CalibrationException("the model takes batches of exactly " + fixed
                        + " samples but the calibration set has only " + total);
            }
            int batchSize = fixed > 0 ? fixed : Math.min(settings.batchSize(), data.maxBatch());
            while (done < total) {
                int size = Math.min(batchSize, total - done);
                if (fixed > 0 && size < fixed) {
                    break; // a fixed-batch model cannot run the remainder; the report shows samples used
                }
                Map<String, OnnxTensor> inputs = data.batch(env, done, size);
                try (OrtSession.Result result = session.run(inputs, wanted)) {
                    for (String name : wanted) {
                        observe(name, result, observers.get(name));
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
                done += size;
                batches++;
                progress.onBatch(done, total);
            }
        } catch (OrtException e) {
            throw new CalibrationException("ONNX Runtime could not run the model for calibration: " + e.getMessage(), e);
        }
        return new CalibrationResult(observers, settings, done, batches);
    }

    private static void observe(String name, OrtSession.Result result, TensorObserver observer) throws OrtException {
        OnnxValue value = result.get(name).orElseThrow(
                () -> new CalibrationException("ONNX Runtime returned no value for tensor '" + name + "'"));
        if (!(value instanceof OnnxTensor tensor) || tensor.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new CalibrationException("tensor '" + name + "' is not a float tensor; only float activations are calibrated");
        }
        FloatBuffer buffer = tensor.getFloatBuffer();
        observer.observe(buffer);
    }

    private static OrtSession.SessionOptions sessionOptions(CalibrationSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        // Basic optimizations only: exposed tensors must survive, and layout rewrites buy nothing here.
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        if (settings.intraOpThreads() > 0) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
        }
        return options;
    }

    /** A model whose first input dimension is fixed takes batches of exactly that size; 0 if dynamic. */
    private static int fixedBatchSize(OrtSession session) throws OrtException {
        for (NodeInfo info : session.getInputInfo().values()) {
            if (info.getInfo() instanceof TensorInfo tensor && tensor.getShape().length > 0 && tensor.getShape()[0] > 0) {
                return (int) tensor.getShape()[0];
            }
        }
        return 0;
    }

    /**
     * A copy of {@code model} whose graph also outputs every tensor in {@code tensors} (also used by int8-static's
     * tensor fallback to read the float activations it measures quantization noise on).
     */
    public static OnnxMl.ModelProto exposeTensors(OnnxMl.ModelProto model, Set<String> tensors) {
        OnnxMl.GraphProto graph = model.getGraph();
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        Map<String, OnnxMl.TypeProto> declared = new HashMap<>();
        for (OnnxMl.ValueInfoProto vi : graph.getInputList()) {
            declared.put(vi.getName(), vi.getType());
        }
        for (OnnxMl.ValueInfoProto vi : graph.getValueInfoList()) {
            declared.put(vi.getName(), vi.getType());
        }
        Set<String> produced = new HashSet<>(declared.keySet());
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            produced.addAll(node.getOutputList());
        }
        List<String> missing = new ArrayList<>();
        OnnxMl.GraphProto.Builder builder = graph.toBuilder();
        for (String name : tensors) {
            if (!produced.contains(name)) {
                missing.add(name);
                continue;
            }
            if (outputs.contains(name)) {
                continue;
            }
            OnnxMl.TypeProto type = declared.get(name);
            if (type != null && type.hasTensorType()
                    && type.getTensorType().getElemType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                throw new CalibrationException("tensor '" + name + "' is not float (ONNX type "
                        + type.getTensorType().getElemType() + "); only float activations are calibrated");
            }
            builder.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name)
                    .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))));
        }
        if (!missing.isEmpty()) {
            throw new CalibrationException("tensors not found in the model: " + missing);
        }
        return model.toBuilder().setGraph(builder).build();
    }
}
