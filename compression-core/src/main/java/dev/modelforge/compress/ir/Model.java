package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mutable ONNX model: header (IR version, producer), opset imports by domain, metadata, the main
 * {@link Graph}, and the directory external data is resolved against. Functions and training info
 * are carried verbatim.
 *
 * <p>Passes never mutate their input: they {@link #copy()} it (cheap: tensors are shared) and edit
 * the copy. {@link #toProto()} is deterministic: same model state, same bytes.
 */
public final class Model {
    private long irVersion;
    private String producerName;
    private String producerVersion;
    private String domain;
    private long modelVersion;
    private String docString;
    private final LinkedHashMap<String, Long> opsets = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
    private final List<FunctionProto> functions = new ArrayList<>();
    private final List<TrainingInfoProto> trainingInfo = new ArrayList<>();
    private Graph graph;
    private final Path externalDataDir;

    private Model(Path externalDataDir) {
        this.externalDataDir = externalDataDir;
    }

    /** A new empty model with the given default-domain opset and IR version. */
    public static Model create(String graphName, long irVersion, long defaultOpset) {
        Model m = new Model(null);
        m.irVersion = irVersion;
        m.producerName = "";
        m.producerVersion = "";
        m.domain = "";
        m.docString = "";
        m.opsets.put(Node.DEFAULT_DOMAIN, defaultOpset);
        m.graph = new Graph(graphName);
        return m;
    }

    /**
     * Wraps a parsed model. {@code externalDataDir} is where external-data locations resolve (the
     * model file's directory); may be null when the model has none.
     */
    public static Model fromProto(ModelProto p, Path externalDataDir) {
        Model m = new Model(externalDataDir);
        m.irVersion = p.getIrVersion();
        m.producerName = p.getProducerName();
        m.producerVersion = p.getProducerVersion();
        m.domain = p.getDomain();
        m.modelVersion = p.getModelVersion();
        m.docString = p.getDocString();
        for (OperatorSetIdProto o : p.getOpsetImportList()) {
            String d = o.getDomain().equals("ai.onnx") ? Node.DEFAULT_DOMAIN : o.getDomain();
            m.opsets.put(d, o.getVersion());
        }
        for (StringStringEntryProto e : p.getMetadataPropsList()) {
            m.metadata.put(e.getKey(), e.getValue());
        }
        m.functions.addAll(p.getFunctionsList());
        m.trainingInfo.addAll(p.getTrainingInfoList());
        m.graph = Graph.fromProto(p.getGraph(), externalDataDir);
        return m;
    }

    /** Serialises with every tensor inline; byte-identical for an identical model state. */
    public ModelProto toProto() {
        return toProto(Tensor::toProto);
    }

    /** Serialises with a custom tensor encoding (used to write external data). */
    public ModelProto toProto(java.util.function.Function<Tensor, ai.onnx.proto.OnnxMl.TensorProto> tensorEncoder) {
        ModelProto.Builder b = ModelProto.newBuilder().setIrVersion(irVersion);
        if (!producerName.isEmpty()) {
            b.setProducerName(producerName);
        }
        if (!producerVersion.isEmpty()) {
            b.setProducerVersion(producerVersion);
        }
        if (!domain.isEmpty()) {
            b.setDomain(domain);
        }
        if (modelVersion != 0) {
            b.setModelVersion(modelVersion);
        }
        if (!docString.isEmpty()) {
            b.setDocString(docString);
        }
        opsets.forEach((d, v) -> b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v)));
        metadata.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        if (irVersion < 4) {
            declareInitializersAsInputs();
        }
        b.setGraph(graph.toProto(tensorEncoder));
        b.addAllFunctions(functions).addAllTrainingInfo(trainingInfo);
        return b.build();
    }

    private void declareInitializersAsInputs() {
        Set<String> declared = new HashSet<>();
        graph.declaredInputs().forEach(v -> declared.add(v.getName()));
        for (Tensor t : graph.weights()) {
            if (!declared.contains(t.name()) && t.dataType() != DataType.OTHER) {
                graph.addDeclaredInput(tensorValueInfo(t.name(), t.dataType(), t.shape()));
            }
        }
    }

    /** A ValueInfo for a tensor of known type and shape. */
    public static ValueInfoProto tensorValueInfo(String name, DataType type, long[] shape) {
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(type.onnxCode());
        var sb = ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            sb.addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        tt.setShape(sb);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }

    /** A deep-enough copy for a pass to edit: graph structure copied, tensors shared. */
    public Model copy() {
        Model m = new Model(externalDataDir);
        m.irVersion = irVersion;
        m.producerName = producerName;
        m.producerVersion = producerVersion;
        m.domain = domain;
        m.modelVersion = modelVersion;
        m.docString = docString;
        m.opsets.putAll(opsets);
        m.metadata.putAll(metadata);
        m.functions.addAll(functions);
        m.trainingInfo.addAll(trainingInfo);
        m.graph = graph.copy();
        return m;
    }

    public Graph graph() {
        return graph;
    }

    public long irVersion() {
        return irVersion;
    }

    public void setIrVersion(long v) {
        irVersion = v;
    }

    /** Opset imports by domain ({@code ""} is the default ONNX domain). */
    public Map<String, Long> opsets() {
        return Collections.unmodifiableMap(opsets);
    }

    /** The imported version of {@code opDomain}, if imported. */
    public Optional<Long> opset(String opDomain) {
        return Optional.ofNullable(opsets.get("ai.onnx".equals(opDomain) ? "" : opDomain));
    }

    /** The default-domain opset (0 when the model imports none, which ONNX forbids). */
    public long defaultOpset() {
        return opsets.getOrDefault(Node.DEFAULT_DOMAIN, 0L);
    }

    /** Sets (adds or changes) an opset import. */
    public void setOpset(String opDomain, long version) {
        opsets.put("ai.onnx".equals(opDomain) ? "" : opDomain, version);
    }

    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public void putMetadata(String key, String value) {
        metadata.put(key, value);
    }

    public String producerName() {
        return producerName;
    }

    /** Records which tool produced this variant. */
    public void setProducer(String name, String version) {
        producerName = name;
        producerVersion = version;
    }

    /** Model-local functions (kept verbatim; passes do not rewrite them). */
    public List<FunctionProto> functions() {
        return Collections.unmodifiableList(functions);
    }

    /** Where external-data locations resolve, if the model came from a file. */
    public Optional<Path> externalDataDir() {
        return Optional.ofNullable(externalDataDir);
    }
}
