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

    private final CodedInputStream in;
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

    StreamingModelParser(CodedInputStream in) {
        this.in = in;
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

    ModelSignature toSignature() {
        SignatureReader.checkIrVersion(irVersion, sawIrVersion);
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
                    // Nodes are counted, never read: Constant/attribute tensors can be huge.
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "graph.node");
                    nodeCount++;
                    in.skipField(tag);
                }
                case 2 -> graphName = readString(tag, "graph.name");
                case 5 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "graph.initializer");
                    int limit = in.pushLimit(in.readRawVarint32());
                    parseInitializer(false);
                    endNested(limit);
                    initializerCount++;
                }
                case 15 -> {
                    SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED,
                            "graph.sparse_initializer");
                    int limit = in.pushLimit(in.readRawVarint32());
                    parseSparseInitializer();
                    endNested(limit);
                    initializerCount++;
                }
                case 11 -> graphInputs.add(readValueInfo(tag, "graph.input"));
                case 12 -> graphOutputs.add(readValueInfo(tag, "graph.output"));
                default -> in.skipField(tag);
            }
        }
    }

    /** Reads name and dims of a TensorProto, skipping its data. */
    private void parseInitializer(boolean valuesOfSparse) throws IOException {
        List<Long> dims = new ArrayList<>();
        String name = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> readInt64s(tag, dims);
                case 8 -> name = readString(tag, "initializer.name");
                default -> in.skipField(tag);
            }
        }
        initializerNames.add(name);
        if (!valuesOfSparse) {
            parameterCount = SignatureReader.addParams(parameterCount, dims);
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
                case 3 -> readInt64s(tag, dims);
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
                case 1 -> name = readString(t, what + ".name");
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
                        dim = p.isEmpty() ? Dim.unknown() : Dim.symbolic(p);
                    }
                    default -> in.skipField(t);
                }
            }
            endNested(limit);
            dims.add(dim);
        }
        return dims;
    }

    /** Repeated int64, accepting both packed and unpacked encodings as the spec requires. */
    private void readInt64s(int tag, List<Long> out) throws IOException {
        int wt = WireFormat.getTagWireType(tag);
        if (wt == WireFormat.WIRETYPE_VARINT) {
            out.add(in.readInt64());
        } else if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                out.add(in.readInt64());
            }
            endNested(limit);
        } else {
            SignatureReader.expectWireType(tag, WireFormat.WIRETYPE_VARINT, "dims");
        }
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
        return new String(in.readRawBytes(size), StandardCharsets.UTF_8);
    }
}
