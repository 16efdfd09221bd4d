package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link ModelSignature} from ONNX bytes in one streaming pass.
 *
 * <p>Weights are never materialised: initializer payloads and whole nodes (whose attributes
 * can hold large constant tensors) are skipped with {@code skipRawBytes}, so a multi-GB model
 * is read with a few MB of heap. Only names, dims and types are kept.
 *
 * <p>Errors are {@link InvalidOnnxException}s with a stable reason.
 */
public final class SignatureReader {

    /** Lowest IR version ONNX Runtime loads (IR 1 and 2 predate opset semantics). */
    public static final long MIN_IR_VERSION = 3;
    /** Highest IR version we know; newer files may use constructs we would misread. */
    public static final long MAX_IR_VERSION = 12;

    private SignatureReader() {
    }

    /**
     * Reads the signature from a stream positioned at the start of a serialized ModelProto.
     * On success the stream has been read to its end; on error reading stops where the problem
     * was found (a caller teeing an upload must drain the rest itself). The stream is not closed.
     *
     * @throws InvalidOnnxException if the bytes are not a usable ONNX model
     * @throws UncheckedIOException if reading the stream fails
     */
    public static ModelSignature read(InputStream in) {
        return parse(in, ModelLimits.DEFAULTS, false).toSignature();
    }

    /**
     * The upload check: reads the signature of a single-file model within {@code limits} and refuses what
     * can never run — a node reading an undefined tensor, a tensor defined twice, a cycle, an output no
     * node produces, an opset newer than {@code limits} allow or a node domain not imported, initializer
     * data that does not match its dims, and any external-data tensor (a single file cannot carry it, so its
     * location could never resolve, or would resolve somewhere it must not). Streaming and bounded like
     * {@link #read(InputStream)}: the wiring is kept as interned names and int edges, weights never.
     *
     * @throws ModelLimitException  past one of {@code limits}
     * @throws InvalidOnnxException if the bytes are not a runnable ONNX model
     * @throws UncheckedIOException if reading the stream fails
     */
    public static ModelSignature validateSingleFile(InputStream in, ModelLimits limits) {
        StreamingModelParser parser = parse(in, limits, true);
        if (!parser.externalTensors().isEmpty()) {
            ExternalData.TensorRef t = parser.externalTensors().get(0);
            String unsafe = ExternalData.unsafeReason(t.ref().location());
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "tensor '" + t.tensor()
                    + "' keeps its data in the external file '" + t.ref().location() + "'"
                    + (unsafe == null ? "" : " (" + unsafe + ")")
                    + ", which a single-file upload cannot carry; save the model with its weights inside "
                    + "(onnx.save(model, path, save_as_external_data=False)) if it is under 2 GB");
        }
        return parser.toSignature();
    }

    /**
     * The upload check of the {@code model.onnx} of a model directory: the same checks as
     * {@link #validateSingleFile}, except that external-data tensors are allowed; their references (with
     * {@code length} filled in from dims and type when the model omits it) are returned for the caller to
     * resolve against the directory's files with {@link ExternalData#checkInside}.
     *
     * @throws ModelLimitException  past one of {@code limits}
     * @throws InvalidOnnxException if the bytes are not a runnable ONNX model, or a location is unsafe
     * @throws UncheckedIOException if reading the stream fails
     */
    public static DirectoryModel validateDirectoryModel(InputStream in, ModelLimits limits) {
        StreamingModelParser parser = parse(in, limits, true);
        ModelSignature signature = parser.toSignature();
        for (ExternalData.TensorRef t : parser.externalTensors()) {
            String unsafe = ExternalData.unsafeReason(t.ref().location());
            if (unsafe != null) {
                throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "tensor '" + t.tensor()
                        + "' keeps its data at '" + t.ref().location() + "', which is rejected: " + unsafe
                        + "; a location must be a relative path inside the model's directory");
            }
        }
        return new DirectoryModel(signature, List.copyOf(parser.externalTensors()));
    }

    /**
     * What {@link #validateDirectoryModel} learned: the signature and every external-data reference.
     *
     * @param signature  the model's signature
     * @param references external-data references in initializer order (locations already checked to be safe)
     */
    public record DirectoryModel(ModelSignature signature, List<ExternalData.TensorRef> references) {
    }

    /**
     * Reads the signature of a model file and checks every external-data reference before a runtime sees
     * the file: each location must stay inside the model's directory (no absolute path, {@code ..}, drive,
     * or link out) and name a file that holds the referenced byte range.
     *
     * @throws InvalidOnnxException (BAD_EXTERNAL_DATA) for an unsafe, missing or short reference, or as
     *                              {@link #read(Path)}
     */
    public static ModelSignature readChecked(Path modelFile) {
        StreamingModelParser parser;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(modelFile), 64 * 1024)) {
            parser = parse(in, ModelLimits.DEFAULTS, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelFile + ": " + e.getMessage(), e);
        }
        ModelSignature signature = parser.toSignature();
        Path base = OnnxFiles.baseDir(modelFile);
        for (ExternalData.TensorRef t : parser.externalTensors()) {
            ExternalData.checkRange(base, t.tensor(), t.ref());
        }
        return signature;
    }

    private static StreamingModelParser parse(InputStream in, ModelLimits limits, boolean validate) {
        StreamingModelParser parser = new StreamingModelParser(CodedInputStream.newInstance(in, 64 * 1024), limits,
                validate);
        try {
            parser.parseModel();
        } catch (InvalidProtocolBufferException e) {
            throw classify(e, parser.sawIrVersion());
        } catch (IOException e) {
            throw new UncheckedIOException("reading ONNX model failed: " + e.getMessage(), e);
        }
        return parser;
    }

    /** Reads the signature of a model file (the file itself; external data is not touched). */
    public static ModelSignature read(Path modelFile) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(modelFile), 64 * 1024)) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** Reads the signature from serialized bytes. */
    public static ModelSignature read(byte[] bytes) {
        return read(new java.io.ByteArrayInputStream(bytes));
    }

    /** Same rules as {@link #read(InputStream)}, applied to a parsed model. */
    static ModelSignature fromModel(OnnxMl.ModelProto model) {
        if (!model.hasGraph()) {
            throw new InvalidOnnxException(Reason.NO_GRAPH, "ONNX model has no graph");
        }
        checkIrVersion(model.getIrVersion(), model.hasIrVersion());
        OnnxMl.GraphProto g = model.getGraph();
        Set<String> initNames = new HashSet<>();
        long params = 0;
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            initNames.add(t.getName());
            params = addParams(params, t.getDimsList());
        }
        for (OnnxMl.SparseTensorProto s : g.getSparseInitializerList()) {
            initNames.add(s.getValues().getName());
            params = addParams(params, s.getDimsList());
        }
        List<TensorSpec> inputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (!initNames.contains(v.getName())) {
                inputs.add(specOf(v));
            }
        }
        List<TensorSpec> outputs = g.getOutputList().stream().map(SignatureReader::specOf).toList();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            opsets.put(o.getDomain(), o.getVersion());
        }
        return build(inputs, outputs, opsets, model.getIrVersion(), model.getProducerName(),
                model.getProducerVersion(), g.getName(), g.getInitializerCount() + g.getSparseInitializerCount(), g.getNodeCount(), params);
    }

    static ModelSignature build(List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Long> opsets,
            long irVersion, String producer, String producerVersion, String graphName,
            int initializerCount, int nodeCount, long params) {
        if (inputs.isEmpty()) {
            throw new InvalidOnnxException(Reason.NO_INPUTS,
                    "ONNX graph has no inputs (every graph input is an initializer): nothing to feed");
        }
        if (outputs.isEmpty()) {
            throw new InvalidOnnxException(Reason.NO_OUTPUTS, "ONNX graph declares no outputs");
        }
        return new ModelSignature(inputs, outputs, opsets, irVersion, producer, producerVersion, graphName,
                initializerCount, nodeCount, params);
    }

    static void checkIrVersion(long irVersion, boolean present) {
        if (!present) {
            throw new InvalidOnnxException(Reason.UNSUPPORTED_IR_VERSION, "ONNX model has no ir_version");
        }
        if (irVersion < MIN_IR_VERSION || irVersion > MAX_IR_VERSION) {
            throw new InvalidOnnxException(Reason.UNSUPPORTED_IR_VERSION, "ONNX IR version " + irVersion
                    + " is not supported (supported: " + MIN_IR_VERSION + ".." + MAX_IR_VERSION + ")");
        }
    }

    static long addParams(long total, List<Long> dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                return total;
            }
            n = saturatingMultiply(n, d);
        }
        return saturatingAdd(total, n);
    }

    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    static TensorSpec specOf(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto type = v.getType();
        OnnxMl.TypeProto.Tensor tensor;
        if (type.hasTensorType()) {
            tensor = type.getTensorType();
        } else if (type.hasSparseTensorType()) {
            OnnxMl.TypeProto.SparseTensor s = type.getSparseTensorType();
            tensor = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(s.getElemType()).setShape(s.getShape()).build();
        } else {
            return new TensorSpec(v.getName(), ElementType.UNDEFINED, List.of(), false);
        }
        ElementType et = ElementType.fromOnnxOrUndefined(tensor.getElemType());
        if (!tensor.hasShape()) {
            return new TensorSpec(v.getName(), et, List.of(), false);
        }
        List<Dim> dims = new ArrayList<>();
        for (OnnxMl.TensorShapeProto.Dimension d : tensor.getShape().getDimList()) {
            dims.add(d.hasDimValue() ? Dim.of(d.getDimValue())
                    : d.hasDimParam() && !d.getDimParam().isEmpty() ? Dim.symbolic(d.getDimParam()) : Dim.unknown());
        }
        return new TensorSpec(v.getName(), et, dims, true);
    }

    private static InvalidOnnxException classify(InvalidProtocolBufferException e, boolean sawIrVersion) {
        String msg = String.valueOf(e.getMessage());
        // Every ONNX writer puts ir_version (field 1) first; running out of bytes before seeing it
        // means the input was never an ONNX model, not a cut-off one.
        if (sawIrVersion && msg.contains("ended unexpectedly")) {
            return new InvalidOnnxException(Reason.TRUNCATED,
                    "ONNX model is truncated: the file ends in the middle of a field (incomplete upload?)", e);
        }
        if (e instanceof OnnxFormatException f) {
            return new InvalidOnnxException(f.reason, f.getMessage(), e);
        }
        return new InvalidOnnxException(Reason.NOT_PROTOBUF,
                "not an ONNX model: the bytes are not a valid ONNX protobuf (" + msg + ")", e);
    }

    /** Internal signal carrying a reason through the protobuf exception type. */
    static final class OnnxFormatException extends InvalidProtocolBufferException {
        private static final long serialVersionUID = 1L;
        final transient Reason reason;

        OnnxFormatException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    static void expectWireType(int tag, int wireType, String what) throws OnnxFormatException {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new OnnxFormatException(Reason.NOT_PROTOBUF, "not an ONNX model: field " + what
                    + " has wire type " + WireFormat.getTagWireType(tag) + ", expected " + wireType);
        }
    }
}
