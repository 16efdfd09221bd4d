package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mutable view of the main ONNX graph: nodes in a topological order, initializers by name, value
 * infos, graph inputs and outputs, and producer/consumer look-ups.
 *
 * <p>Subgraphs (If/Loop/Scan bodies) stay inside their node's attributes as protobuf; they are
 * counted as consumers of the outer values they read (see {@link Node#implicitInputs()}) but not
 * rewritten. All iteration orders are insertion orders, so serialising the same graph twice yields
 * the same bytes.
 */
public final class Graph {
    private String name;
    private String docString;
    private final List<Node> nodes = new ArrayList<>();
    private final LinkedHashMap<String, Tensor> initializers = new LinkedHashMap<>();
    private final List<SparseTensorProto> sparseInitializers = new ArrayList<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final LinkedHashMap<String, ValueInfoProto> valueInfo = new LinkedHashMap<>();
    private Set<String> usedNames;

    /** An empty graph. */
    public Graph(String name) {
        this.name = name == null ? "" : name;
        this.docString = "";
    }

    /**
     * Builds the view. Tensor-valued {@code Constant} nodes of the main graph become initializers
     * (third-party exporters store weights that way), so passes see one kind of weight.
     */
    static Graph fromProto(GraphProto p, Path baseDir) {
        Graph g = new Graph(p.getName());
        g.docString = p.getDocString();
        for (TensorProto t : p.getInitializerList()) {
            g.initializers.put(t.getName(), TensorDecoding.decode(t, baseDir));
        }
        g.sparseInitializers.addAll(p.getSparseInitializerList());
        g.inputs.addAll(p.getInputList());
        g.outputs.addAll(p.getOutputList());
        for (ValueInfoProto v : p.getValueInfoList()) {
            g.valueInfo.put(v.getName(), v);
        }
        Set<String> graphOutputs = new HashSet<>();
        p.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        for (NodeProto np : p.getNodeList()) {
            Optional<Tensor> constant = Constants.valueOf(np, baseDir);
            if (constant.isPresent() && !graphOutputs.contains(np.getOutput(0))
                    && !g.initializers.containsKey(np.getOutput(0))) {
                g.initializers.put(np.getOutput(0), constant.get());
                continue;
            }
            g.nodes.add(Node.fromProto(np));
        }
        return g;
    }

    /** Serialises nodes, initializers and infos in their current order. */
    public GraphProto toProto() {
        return toProto(Tensor::toProto);
    }

    /** Serialises with a custom tensor encoding (used to write external data). */
    public GraphProto toProto(java.util.function.Function<Tensor, TensorProto> tensorEncoder) {
        GraphProto.Builder b = GraphProto.newBuilder().setName(name);
        if (!docString.isEmpty()) {
            b.setDocString(docString);
        }
        nodes.forEach(n -> b.addNode(n.toProto()));
        initializers.values().forEach(t -> b.addInitializer(tensorEncoder.apply(t)));
        b.addAllSparseInitializer(sparseInitializers);
        b.addAllInput(inputs).addAllOutput(outputs).addAllValueInfo(valueInfo.values());
        return b.build();
    }

    /** A structural copy; tensors (immutable) and protobuf pieces are shared, nodes are copied. */
    public Graph copy() {
        Graph g = new Graph(name);
        g.docString = docString;
        nodes.forEach(n -> g.nodes.add(n.copy()));
        g.initializers.putAll(initializers);
        g.sparseInitializers.addAll(sparseInitializers);
        g.inputs.addAll(inputs);
        g.outputs.addAll(outputs);
        g.valueInfo.putAll(valueInfo);
        return g;
    }

    public String name() {
        return name;
    }

    /** The nodes in their current (topological, once {@link #sortTopologically()} ran) order. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Appends a node (call {@link #sortTopologically()} after inserting out of order). */
    public Node addNode(Node n) {
        nodes.add(n);
        reserve(n.name());
        n.outputs().forEach(this::reserve);
        return n;
    }

    /** Inserts a node just before {@code anchor} (keeps the list topological if inputs exist earlier). */
    public Node insertBefore(Node anchor, Node n) {
        int i = indexOf(anchor);
        nodes.add(i, n);
        reserve(n.name());
        n.outputs().forEach(this::reserve);
        return n;
    }

    /** Replaces {@code old} (by identity) with {@code replacements}, in place, keeping the order. */
    public void replace(Node old, List<Node> replacements) {
        int i = indexOf(old);
        nodes.remove(i);
        nodes.addAll(i, replacements);
        for (Node n : replacements) {
            reserve(n.name());
            n.outputs().forEach(this::reserve);
        }
    }

    /** Removes a node (by identity). */
    public void removeNode(Node n) {
        nodes.remove(indexOf(n));
    }

    private int indexOf(Node n) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == n) {
                return i;
            }
        }
        throw new IllegalArgumentException("node not in graph: " + n);
    }

    /** Initializers by name, in insertion order. */
    public Map<String, Tensor> initializers() {
        return Collections.unmodifiableMap(initializers);
    }

    public Optional<Tensor> initializer(String valueName) {
        return Optional.ofNullable(initializers.get(valueName));
    }

    public boolean isInitializer(String valueName) {
        return initializers.containsKey(valueName);
    }

    /** The initializer {@code valueName} if it holds floats. */
    public Optional<Tensor> floatInitializer(String valueName) {
        return initializer(valueName).filter(t -> t.dataType() == DataType.FLOAT);
    }

    /** The value of {@code valueName} if it is a float initializer with one element (any rank). */
    public Optional<Float> floatScalar(String valueName) {
        return floatInitializer(valueName).filter(t -> t.elementCount() == 1).map(t -> t.floats()[0]);
    }

    /**
     * Whether one node reads {@code valueName} (a subgraph capturing it counts as a reader) and it is no graph output:
     * a rewrite for that node may then change the value in place.
     */
    public boolean hasSoleReader(String valueName) {
        return consumers(valueName).size() == 1 && !isGraphOutput(valueName);
    }

    /** Adds or replaces an initializer under {@link Tensor#name()}. */
    public void putInitializer(Tensor t) {
        initializers.put(t.name(), t);
        reserve(t.name());
    }

    public void removeInitializer(String valueName) {
        initializers.remove(valueName);
        valueInfo.remove(valueName);
    }

    /** Graph inputs that are not initializers (the values a caller must feed). */
    public List<ValueInfoProto> inputs() {
        return inputs.stream().filter(v -> !initializers.containsKey(v.getName())).toList();
    }

    /** All declared graph inputs including initializer-backed ones (IR &lt; 4 style). */
    public List<ValueInfoProto> declaredInputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<ValueInfoProto> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** Appends a graph output. */
    public void appendOutput(ValueInfoProto v) {
        outputs.add(v);
        reserve(v.getName());
    }

    public void setInput(int i, ValueInfoProto v) {
        inputs.set(i, v);
    }

    public void setOutput(int i, ValueInfoProto v) {
        outputs.set(i, v);
    }

    /** Adds a declared graph input (used for IR &lt; 4 models whose initializers must be inputs). */
    public void addDeclaredInput(ValueInfoProto v) {
        inputs.add(v);
    }

    public boolean isGraphOutput(String valueName) {
        return outputs.stream().anyMatch(v -> v.getName().equals(valueName));
    }

    public boolean isGraphInput(String valueName) {
        return inputs.stream().anyMatch(v -> v.getName().equals(valueName)) && !initializers.containsKey(valueName);
    }

    /** Value infos of intermediate values, by name. */
    public Map<String, ValueInfoProto> valueInfo() {
        return Collections.unmodifiableMap(valueInfo);
    }

    public void putValueInfo(ValueInfoProto v) {
        valueInfo.put(v.getName(), v);
    }

    public void removeValueInfo(String valueName) {
        valueInfo.remove(valueName);
    }

    /** The node producing {@code valueName}, if any (initializers and graph inputs have none). */
    public Optional<Node> producer(String valueName) {
        for (Node n : nodes) {
            if (n.outputs().contains(valueName)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** Nodes reading {@code valueName}, explicitly or from inside a subgraph. */
    public List<Node> consumers(String valueName) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(valueName) || (!n.subgraphs().isEmpty() && n.implicitInputs().contains(valueName))) {
                out.add(n);
            }
        }
        return out;
    }

    /** A snapshot map value → producer (valid until the graph changes). */
    public Map<String, Node> producerMap() {
        Map<String, Node> m = new HashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    m.put(o, n);
                }
            }
        }
        return m;
    }

    /** A snapshot map value → consumers in node order (valid until the graph changes). */
    public Map<String, List<Node>> consumerMap() {
        Map<String, List<Node>> m = new HashMap<>();
        for (Node n : nodes) {
            Set<String> seen = new HashSet<>();
            for (String in : n.inputs()) {
                if (!in.isEmpty() && seen.add(in)) {
                    m.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
            if (!n.subgraphs().isEmpty()) {
                for (String in : n.implicitInputs()) {
                    if (seen.add(in)) {
                        m.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                    }
                }
            }
        }
        return m;
    }

    /**
     * Reorders nodes topologically. Ties keep the current order, so a sorted graph stays as it was
     * and output is deterministic. Fails on a cycle.
     */
    public void sortTopologically() {
        List<Node> sorted = TopologicalOrder.of(nodes, name);
        nodes.clear();
        nodes.addAll(sorted);
    }

    /** Drops initializers nothing reads any more (after a pass replaced them). */
    public List<String> removeUnusedInitializers() {
        Set<String> used = new HashSet<>();
        for (Node n : nodes) {
            used.addAll(n.inputs());
            if (!n.subgraphs().isEmpty()) {
                used.addAll(n.implicitInputs());
            }
        }
        outputs.forEach(v -> used.add(v.getName()));
        List<String> removed = new ArrayList<>();
        for (String k : new ArrayList<>(initializers.keySet())) {
            if (!used.contains(k)) {
                initializers.remove(k);
                valueInfo.remove(k);
                inputs.removeIf(v -> v.getName().equals(k));
                removed.add(k);
            }
        }
        return removed;
    }

    /**
     * A value/node name not yet used in the graph, derived from {@code base} deterministically
     * ({@code base}, {@code base_1}, {@code base_2}, ...).
     */
    public String uniqueName(String base) {
        Set<String> used = usedNames();
        String candidate = base;
        int i = 1;
        while (used.contains(candidate)) {
            candidate = base + "_" + i++;
        }
        used.add(candidate);
        return candidate;
    }

    private void reserve(String n) {
        if (usedNames != null && n != null && !n.isEmpty()) {
            usedNames.add(n);
        }
    }

    private Set<String> usedNames() {
        if (usedNames == null) {
            usedNames = new HashSet<>();
            for (Node n : nodes) {
                usedNames.add(n.name());
                usedNames.addAll(n.inputs());
                usedNames.addAll(n.outputs());
                for (var sub : n.subgraphs()) {
                    sub.getNodeList().forEach(sn -> {
                        usedNames.addAll(sn.getOutputList());
                        usedNames.add(sn.getName());
                    });
                }
            }
            usedNames.addAll(initializers.keySet());
            inputs.forEach(v -> usedNames.add(v.getName()));
            outputs.forEach(v -> usedNames.add(v.getName()));
            usedNames.addAll(valueInfo.keySet());
        }
        return usedNames;
    }

    /** Count of ops by {@code domain:opType} (default domain unprefixed), including subgraphs. */
    public Map<String, Integer> opHistogram() {
        return TopologicalOrder.histogram(nodes);
    }

    /** Total raw bytes of all initializers. */
    public long initializerBytes() {
        return initializers.values().stream().mapToLong(Tensor::byteSize).sum();
    }

    /** Sparse initializers (ONNX {@code sparse_initializer}), kept verbatim; ORT densifies them at load. */
    public List<SparseTensorProto> sparseInitializers() {
        return Collections.unmodifiableList(sparseInitializers);
    }

    /** Adds a sparse initializer (the caller removes any dense initializer of the same name). */
    public void addSparseInitializer(SparseTensorProto t) {
        sparseInitializers.add(t);
        reserve(t.getValues().getName());
    }

    /** Initializers as a collection, for passes iterating weights. */
    public Collection<Tensor> weights() {
        return Collections.unmodifiableCollection(initializers.values());
    }
}
