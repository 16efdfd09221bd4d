package dev.modelforge.worker.benchmark.measure;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.SignatureReader;
import dev.modelforge.onnx.TensorSpec;
import dev.modelforge.onnx.data.DType;
import dev.modelforge.onnx.data.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ONNX model loaded into DJL's OnnxRuntime engine with a device profile's runtime settings.
 *
 * <p>DJL's string options ({@code intraOpNumThreads}, {@code optLevel}, …) cannot carry ORT session config
 * entries, and {@code session.intra_op.allow_spinning=0} is one we need: an idle session's spinning pool
 * steals the cores of the session being timed (measured 1.37x distortion, see COMPRESSION_NOTES). So we
 * build the complete {@link SessionOptions} ourselves and hand it to DJL through its {@code sessionOptions}
 * load option; DJL still creates the session and runs every inference.
 */
public final class LoadedModel implements AutoCloseable {

    private static final String ENGINE = "OnnxRuntime";

    private final Model model;
    private final SessionOptions options;
    private final NDManager inputManager;
    private final ParameterStore parameterStore;
    private final ModelSignature signature;
    private final double loadMillis;
    private final long sizeBytes;

    private LoadedModel(Model model, SessionOptions options, ModelSignature signature, double loadMillis,
                        long sizeBytes) {
        this.model = model;
        this.options = options;
        this.signature = signature;
        this.loadMillis = loadMillis;
        this.sizeBytes = sizeBytes;
        this.inputManager = model.getNDManager().newSubManager();
        this.parameterStore = new ParameterStore(inputManager, false);
    }

    /**
     * Reads the signature, then creates the session; the load time covers session creation only
     * (graph optimization and weight prepacking included), not the signature read.
     *
     * @param file     the .onnx file (external data beside it)
     * @param settings runtime settings
     * @return the loaded model
     * @throws BenchmarkFailure classified failure when the model cannot be read or loaded
     */
    public static LoadedModel load(Path file, RuntimeSettings settings) {
        ModelSignature signature;
        long size;
        try {
            size = Files.size(file);
            signature = SignatureReader.readChecked(file); // external data checked before ONNX Runtime opens it
        } catch (IOException | RuntimeException e) {
            throw BenchmarkFailure.classify(e);
        }
        SessionOptions options = null;
        Model model = null;
        try {
            options = sessionOptions(settings);
            model = Model.newInstance(file.getFileName().toString(), Device.cpu(), ENGINE);
            String name = file.getFileName().toString();
            String prefix = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
            long t0 = System.nanoTime();
            model.load(file.toAbsolutePath().getParent(), prefix, Map.of("sessionOptions", options));
            double ms = (System.nanoTime() - t0) / 1e6;
            return new LoadedModel(model, options, signature, ms, size);
        } catch (OrtException | IOException | MalformedModelException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            if (options != null) {
                options.close();
            }
            throw BenchmarkFailure.classify(e);
        }
    }

    static SessionOptions sessionOptions(RuntimeSettings s) throws OrtException {
        SessionOptions o = new SessionOptions();
        o.setIntraOpNumThreads(s.intraOpThreads());
        o.setInterOpNumThreads(s.interOpThreads());
        o.setExecutionMode(s.interOpThreads() > 1 ? ExecutionMode.PARALLEL : ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(s.graphOptimizationLevel().ort());
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        o.addConfigEntry("session.inter_op.allow_spinning", "0");
        switch (s.executionProvider()) {
            case "cpu" -> o.addCPU(true);
            case "xnnpack" -> o.addXnnpack(Map.of("intra_op_num_threads", Integer.toString(s.intraOpThreads())));
            case "dnnl" -> o.addDnnl(true);
            case "cuda" -> o.addCUDA(0);
            default -> throw new IllegalArgumentException("unknown execution provider '" + s.executionProvider()
                    + "'; supported: cpu, xnnpack, dnnl, cuda (if this ONNX Runtime build has them)");
        }
        return o;
    }

    /** @return the model's I/O signature */
    public ModelSignature signature() {
        return signature;
    }

    /** @return session creation time */
    public double loadMillis() {
        return loadMillis;
    }

    /** @return artifact size in bytes (the .onnx file) */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Copies inputs into runtime tensors once, so timed runs measure inference and not conversion.
     *
     * @param inputs inputs by graph-input name
     * @return named runtime tensors; close them when done
     */
    public NDList prepare(Map<String, NdArray> inputs) {
        NDList list = new NDList();
        for (TensorSpec spec : signature.inputs()) {
            NdArray t = inputs.get(spec.name());
            if (t == null) {
                throw new IllegalArgumentException("missing input '" + spec.name() + "'");
            }
            ByteBuffer direct = ByteBuffer.allocateDirect(t.data().remaining()).order(ByteOrder.nativeOrder());
            direct.put(t.data().duplicate()).flip();
            NDArray a = inputManager.create(direct, new Shape(t.shape()), djlType(t.dtype()));
            a.setName(spec.name());
            list.add(a);
        }
        return list;
    }

    /**
     * One timed inference; outputs are released before returning.
     *
     * @param inputs prepared inputs
     * @return wall-clock nanoseconds of the call
     */
    public long timeOnce(NDList inputs) {
        long t0 = System.nanoTime();
        NDList out = model.getBlock().forward(parameterStore, inputs, false);
        long t1 = System.nanoTime();
        out.close();
        return t1 - t0;
    }

    /**
     * One inference with its outputs copied to host memory.
     *
     * @param inputs prepared inputs
     * @return outputs by name, in signature order
     */
    public Map<String, NdArray> run(NDList inputs) {
        try (NDList out = model.getBlock().forward(parameterStore, inputs, false)) {
            Map<String, NdArray> result = new LinkedHashMap<>();
            for (int i = 0; i < out.size(); i++) {
                NDArray a = out.get(i);
                String name = i < signature.outputs().size() ? signature.outputs().get(i).name() : a.getName();
                ByteBuffer bytes = a.toByteBuffer().order(ByteOrder.nativeOrder());
                DType type = dtype(a.getDataType());
                ByteBuffer le = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                copyToLittleEndian(bytes, le, type.byteSize());
                result.put(name, NdArray.of(type, a.getShape().getShape(), le.flip()));
            }
            return result;
        }
    }

    private static void copyToLittleEndian(ByteBuffer src, ByteBuffer dst, int elementBytes) {
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || elementBytes == 1) {
            dst.put(src);
            return;
        }
        switch (elementBytes) {
            case 2 -> { while (src.hasRemaining()) dst.putShort(src.getShort()); }
            case 4 -> { while (src.hasRemaining()) dst.putInt(src.getInt()); }
            default -> { while (src.hasRemaining()) dst.putLong(src.getLong()); }
        }
    }

    static DataType djlType(DType t) {
        return switch (t) {
            case FLOAT -> DataType.FLOAT32;
            case DOUBLE -> DataType.FLOAT64;
            case FLOAT16 -> DataType.FLOAT16;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
            case INT16 -> DataType.INT16;
        };
    }

    static DType dtype(DataType t) {
        return switch (t) {
            case FLOAT32 -> DType.FLOAT;
            case FLOAT64 -> DType.DOUBLE;
            case FLOAT16 -> DType.FLOAT16;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case INT8 -> DType.INT8;
            case UINT8 -> DType.UINT8;
            case BOOLEAN -> DType.BOOL;
            case INT16 -> DType.INT16;
            default -> throw new IllegalArgumentException("output type " + t + " is not supported by the benchmark");
        };
    }

    @Override
    public void close() {
        inputManager.close();
        model.close();
        options.close();
    }
}
