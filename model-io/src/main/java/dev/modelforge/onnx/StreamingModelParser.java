package dev.modelforge.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import dev.modelforge.onnx.SignatureReader.OnnxFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tag-by-tag ModelProto walker behind {@link SignatureReader}. Field numbers follow onnx.proto;
 * anything not needed for the signature is skipped without being copied.
 */
final class StreamingModelParser {

    /** Names, producers and dim params longer than this are not plausible and would defeat the memory bound. */
    static final int MAX_STRING_BYTES = 64 * 1024;

    /** Charged per string on top of its bytes: the map entries and references that keep it. */
    private static final int STRING_OVERHEAD = 16;

    private final CodedInputStream in;
    private final ModelLimits limits;
    /** Upload mode: graph wiring, opsets and tensor data are checked, and external data is refused. */
    private final GraphCheck graph;
    private long nameBytes;
    private long signatureBytes;
    private final List<ExternalData.TensorRef> externalTensors = new ArrayList<>();
    private boolean sawIrVersion;
    private boolean sawGraph;
    private long irVersion;
    private String producerName = "";
    private String producerVersion = "";
    private String graphName = "";
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final List<TensorSpec> graphInputs = new ArrayList<>();
    private final List<TensorSpec> graphOutputs = new ArrayList<>();
    private final Set<String> initializerNames = new HashSet<>();
    private int initializerCount;
    private int nodeCount;
    private long parameterCount;

    StreamingModelParser(CodedInputStream in, ModelLimits limits, boolean validate) {
        this.in = in;
        this.limits = limits;
        this.graph = validate ? new GraphCheck() : null;
        // Nested graphs are skipped, so depth stays small; size is bounded by the caller's stream.
        in.setSizeLimit(Integer.MAX_VALUE);
    }

    boolean sawIrVersion() {
        return sawIrVersion;
    }

    void parseModel() throws IOException {
        int fields = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            fields++;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_VARINT, "ir_version");
                    irVersion = in.readInt64();
                    sawIrVersion = true;
                }
                case 2 -> producerName = readString(tag, "producer_name");
                case 3 -> producerVersion = readString(tag, "producer_version");
                case 7 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "graph");
                    int limit = in.pushLimit(in.readRawVarint32());
                    parseGraph();
                    endNested(limit);
                    sawGraph = true;
                }
                case 8 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "opset_import");
                    int limit = in.pushLimit(in.readRawVarint32());
                    parseOpset();
                    endNested(limit);
                }
                default -> in.skipField(tag);
            }
        }
        if (fields == 0) {
            throw new OnnxFormatException(Reason.NOT_PROTOBUF, "not an ONNX model: the input is empty");
        }
        if (!sawGraph) {
            if (!sawIrVersion) {
                throw new OnnxFormatException(Reason.NOT_PROTOBUF,
                        "not an ONNX model: no ir_version and no graph in the protobuf");
            }
            throw new OnnxFormatException(Reason.NO_GRAPH, "ONNX model has no graph");
        }
    }

    List<ExternalData.TensorRef> externalTensors() {
        return externalTensors;
    }

    ModelSignature toSignature() {
        SignatureReader.checkIrVersion(irVersion, sawIrVersion);
        if (graph != null) {
            checkOpsets();
            graph.check(graphInputs.stream().map(TensorSpec::name).toList(), initializerNames,
                    graphOutputs.stream().map(TensorSpec::name).toList(), opsets);
        }
        List<TensorSpec> inputs = graphInputs.stream().filter(t -> !initializerNames.contains(t.name())).toList();
        return SignatureReader.build(inputs, graphOutputs, opsets, irVersion, producerName, producerVersion,
                graphName, initializerCount, nodeCount, parameterCount);
    }

    private void parseOpset() throws IOException {
        String domain = "";
        long version = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> domain = readString(tag, "opset_import.domain");
                case 2 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_VARINT, "opset_import.version");
                    version = in.readInt64();
                }
                default -> in.skipField(tag);
            }
        }
        opsets.put(domain, version);
    }

    private void parseGraph() throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "graph.node");
                    if (++nodeCount > limits.maxNodes()) {
                        throw limit("max-nodes", limits.maxNodes(), "the graph has more than "
                                + limits.maxNodes() + " nodes");
                    }
                    if (graph == null) {
                        in.skipField(tag); // a signature needs no node; Constant/attribute tensors can be huge
                    } else {
                        int limit = in.pushLimit(in.readRawVarint32());
                        parseNode();
                        endNested(limit);
                    }
                }
                case 2 -> graphName = readString(tag, "graph.name");
                case 5 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "graph.initializer");
                    int limit = in.pushLimit(in.readRawVarint32());
                    parseInitializer(false);
                    endNested(limit);
                    countInitializer();
                }
                case 15 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED,
                            "graph.sparse_initializer");
                    int limit = in.pushLimit(in.readRawVarint32());
                    parseSparseInitializer();
                    endNested(limit);
                    countInitializer();
                }
                case 11 -> {
                    if (graphInputs.size() >= limits.maxGraphInputs()) {
                        throw limit("max-graph-inputs", limits.maxGraphInputs(), "the graph has more than "
                                + limits.maxGraphInputs() + " inputs");
                    }
                    graphInputs.add(readValueInfo(tag, "graph.input"));
                }
                case 12 -> {
                    if (graphOutputs.size() >= limits.maxGraphOutputs()) {
                        throw limit("max-graph-outputs", limits.maxGraphOutputs(), "the graph has more than "
                                + limits.maxGraphOutputs() + " outputs");
                    }
                    graphOutputs.add(readValueInfo(tag, "graph.output"));
                }
                default -> in.skipField(tag);
            }
        }
    }

    /** Reads name, dims and where the data is of a TensorProto, counting (never keeping) its data. */
    private void parseInitializer(boolean valuesOfSparse) throws IOException {
        var t = new TensorFacts();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> readInt64s(tag, t.dims, "initializer.dims");
                case 2 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_VARINT, "initializer.data_type");
                    t.dataType = in.readInt32();
                }
                case 8 -> t.name = readString(tag, "initializer.name");
                case 9 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "initializer.raw_data");
                    int size = in.readRawVarint32();
                    t.rawBytes = Math.max(t.rawBytes, 0) + size;
                    in.skipRawBytes(size);
                }
                case 13 -> readExternalEntry(tag, t);
                case 14 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_VARINT, "initializer.data_location");
                    t.external = in.readInt32() == 1;
                }
                case 4, 5, 6, 7, 10, 11 -> t.typedUnits[WireFormat.getTagFieldNumber(tag)] += countElements(tag);
                default -> in.skipField(tag);
            }
        }
        initializerNames.add(t.name);
        if (t.external) {
            ExternalData.Ref ref = t.ref();
            long expected = ref.length() >= 0 ? ref.length() : t.expectedBytes();
            externalTensors.add(new ExternalData.TensorRef(t.name, new ExternalData.Ref(ref.location(), ref.offset(),
                    expected, ref.checksum())));
        }
        if (graph != null) {
            t.check();
        }
        if (!valuesOfSparse) {
            parameterCount = SignatureReader.addParams(parameterCount, t.dims);
        }
    }

    private void readExternalEntry(int tag, TensorFacts t) throws IOException {
        SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "initializer.external_data");
        int limit = in.pushLimit(in.readRawVarint32());
        String key = "";
        String value = "";
        for (int e = in.readTag(); e != 0; e = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(e)) {
                case 1 -> key = readString(e, "external_data.key");
                case 2 -> value = readString(e, "external_data.value");
                default -> in.skipField(e);
            }
        }
        endNested(limit);
        t.externalData.put(key, value);
    }

    /** Elements of one typed-data field (packed or not), counted while skipping them. */
    private long countElements(int tag) throws IOException {
        int field = WireFormat.getTagFieldNumber(tag);
        int wt = WireFormat.getTagWireType(tag);
        if (wt != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            in.skipField(tag);
            return 1;
        }
        int size = in.readRawVarint32();
        switch (field) {
            case 4 -> {
                in.skipRawBytes(size);
                return size / 4;
            }
            case 10 -> {
                in.skipRawBytes(size);
                return size / 8;
            }
            case 6 -> {
                in.skipRawBytes(size); // one string_data entry
                return 1;
            }
            default -> {
                int limit = in.pushLimit(size);
                long n = 0;
                while (in.getBytesUntilLimit() > 0) {
                    in.readRawVarint64();
                    n++;
                }
                endNested(limit);
                return n;
            }
        }
    }

    private void countInitializer() {
        if (++initializerCount > limits.maxInitializers()) {
            throw limit("max-initializers", limits.maxInitializers(), "the graph has more than "
                    + limits.maxInitializers() + " initializers");
        }
    }

    private void parseNode() throws IOException {
        List<String> inputs = new ArrayList<>(4);
        List<String> outputs = new ArrayList<>(2);
        String name = "";
        String opType = "";
        String domain = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(readString(tag, "node.input"));
                case 2 -> outputs.add(readString(tag, "node.output"));
                case 3 -> name = readString(tag, "node.name");
                case 4 -> opType = readString(tag, "node.op_type");
                case 7 -> domain = readString(tag, "node.domain");
                default -> in.skipField(tag);
            }
        }
        graph.addNode(name, opType, domain, inputs, outputs);
    }

    /** Opsets no runtime here implements are refused at upload, not found out by a worker. */
    private void checkOpsets() {
        if (opsets.isEmpty()) {
            throw new InvalidOnnxException(Reason.UNRUNNABLE,
                    "the model imports no opset (opset_import is empty); runtimes cannot resolve its operators");
        }
        for (var o : opsets.entrySet()) {
            String domain = o.getKey();
            long version = o.getValue();
            long max = switch (domain) {
                case "", "ai.onnx" -> limits.maxOnnxOpset();
                case "ai.onnx.ml" -> limits.maxOnnxMlOpset();
                default -> Long.MAX_VALUE; // custom and vendor domains: the runtime or model-local functions decide
            };
            String shown = domain.isEmpty() ? "ai.onnx" : domain;
            if (version < 1) {
                throw new InvalidOnnxException(Reason.UNRUNNABLE, "opset " + shown + " version " + version
                        + " does not exist (versions start at 1)");
            }
            if (version > max) {
                throw new ModelLimitException(Reason.UNRUNNABLE, domain.isEmpty() || domain.equals("ai.onnx")
                        ? "max-onnx-opset" : "max-onnx-ml-opset", max, "opset " + shown + " version " + version
                        + " is newer than any runtime here implements (newest: " + max + ")");
            }
        }
    }

    private void parseSparseInitializer() throws IOException {
        List<Long> dims = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED,
                            "sparse_initializer.values");
                    int limit = in.pushLimit(in.readRawVarint32());
                    parseInitializer(true);
                    endNested(limit);
                }
                case 3 -> readInt64s(tag, dims, "sparse_initializer.dims");
                default -> in.skipField(tag);
            }
        }
        parameterCount = SignatureReader.addParams(parameterCount, dims);
    }

    private TensorSpec readValueInfo(int tag, String what) throws IOException {
        SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int limit = in.pushLimit(in.readRawVarint32());
        String name = "";
        TensorSpec typed = null;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> {
                    name = readString(t, what + ".name");
                    chargeSignature(name);
                }
                case 2 -> {
                    SignatureReader.expectWireType(t, WireFormat.WIRETYPE_LENGTH_DELIMITED, what + ".type");
                    int l = in.pushLimit(in.readRawVarint32());
                    typed = readType(what);
                    endNested(l);
                }
                default -> in.skipField(t);
            }
        }
        endNested(limit);
        if (typed == null) {
            return new TensorSpec(name, ElementType.UNDEFINED, List.of(), false);
        }
        return new TensorSpec(name, typed.elementType(), typed.shape(), typed.rankKnown());
    }

    /** TypeProto: only tensor_type (1) and sparse_tensor_type (8) describe a tensor; others stay UNDEFINED. */
    private TensorSpec readType(String what) throws IOException {
        TensorSpec result = new TensorSpec("", ElementType.UNDEFINED, List.of(), false);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1 || field == 8) {
                SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what + ".type.tensor");
                int limit = in.pushLimit(in.readRawVarint32());
                result = readTensorType(what);
                endNested(limit);
            } else {
                in.skipField(tag);
            }
        }
        return result;
    }

    private TensorSpec readTensorType(String what) throws IOException {
        int elemType = 0;
        List<Dim> dims = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_VARINT, what + ".elem_type");
                    elemType = in.readInt32();
                }
                case 2 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what + ".shape");
                    int limit = in.pushLimit(in.readRawVarint32());
                    dims = readShape(what);
                    endNested(limit);
                }
                default -> in.skipField(tag);
            }
        }
        ElementType et = ElementType.fromOnnxOrUndefined(elemType);
        return dims == null ? new TensorSpec("", et, List.of(), false) : new TensorSpec("", et, dims, true);
    }

    private List<Dim> readShape(String what) throws IOException {
        List<Dim> dims = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                in.skipField(tag);
                continue;
            }
            SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what + ".shape.dim");
            int limit = in.pushLimit(in.readRawVarint32());
            Dim dim = Dim.unknown();
            for (int t = in.readTag(); t != 0; t = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(t)) {
                    case 1 -> {
                        SignatureReader.expectWireType(t, WireFormat.WIRETYPE_VARINT, what + ".dim_value");
                        dim = Dim.of(in.readInt64());
                    }
                    case 2 -> {
                        String p = readString(t, what + ".dim_param");
                        chargeSignature(p);
                        dim = p.isEmpty() ? Dim.unknown() : Dim.symbolic(p);
                    }
                    default -> in.skipField(t);
                }
            }
            endNested(limit);
            if (dims.size() >= limits.maxRank()) {
                throw limit("max-rank", limits.maxRank(), what + " has more than " + limits.maxRank() + " dims");
            }
            dims.add(dim);
        }
        return dims;
    }

    /** Repeated int64 dims, packed or not as the spec allows, at most {@code max-rank} of them. */
    private void readInt64s(int tag, List<Long> out, String what) throws IOException {
        int wt = WireFormat.getTagWireType(tag);
        if (wt == WireFormat.WIRETYPE_VARINT) {
            addDim(out, in.readInt64(), what);
        } else if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                addDim(out, in.readInt64(), what);
            }
            endNested(limit);
        } else {
            SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_VARINT, what);
        }
    }

    private void addDim(List<Long> out, long dim, String what) {
        if (out.size() >= limits.maxRank()) {
            throw limit("max-rank", limits.maxRank(), what + " has more than " + limits.maxRank() + " dims");
        }
        out.add(dim);
    }

    private void chargeSignature(String s) {
        signatureBytes += s.getBytes(StandardCharsets.UTF_8).length;
        if (signatureBytes > limits.maxSignatureBytes()) {
            throw limit("max-signature-bytes", limits.maxSignatureBytes(), "the names of the graph's inputs "
                    + "and outputs (with symbolic dims) take more than " + limits.maxSignatureBytes() + " bytes");
        }
    }

    private static ModelLimitException limit(String key, long value, String message) {
        return new ModelLimitException(Reason.LIMIT_EXCEEDED, key, value, message);
    }

    /**
     * Leaves a nested message. Reaching the end of the stream before the message's declared length
     * looks like a clean end to readTag, so, as protobuf's own parser does, a short message is truncation.
     */
    private void endNested(int oldLimit) throws IOException {
        if (in.getBytesUntilLimit() != 0) {
            throw new com.google.protobuf.InvalidProtocolBufferException(
                    "While parsing a protocol message, the input ended unexpectedly in the middle of a field.");
        }
        in.popLimit(oldLimit);
    }

    private String readString(int tag, String what) throws IOException {
        SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int size = in.readRawVarint32();
        if (size < 0 || size > MAX_STRING_BYTES) {
            throw new OnnxFormatException(Reason.MALFORMED, "ONNX field " + what + " is " + size
                    + " bytes long; at most " + MAX_STRING_BYTES + " are accepted");
        }
        nameBytes += size + STRING_OVERHEAD;
        if (nameBytes > limits.maxNameBytes()) {
            throw limit("max-name-bytes", limits.maxNameBytes(), "the model's names and references take more "
                    + "than " + limits.maxNameBytes() + " bytes");
        }
        return new String(in.readRawBytes(size), StandardCharsets.UTF_8);
    }
}
