package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mutable operator node. Inputs and outputs are value names ({@code ""} marks an omitted
 * optional input, as in ONNX). Attributes are kept as protobuf so that anything the passes do not
 * understand (subgraphs, type protos) round-trips unchanged.
 */
public final class Node {
    /** The ONNX default operator domain (both {@code ""} and {@code "ai.onnx"} denote it). */
    public static final String DEFAULT_DOMAIN = "";
    /** ONNX Runtime's contrib-op domain (MatMulNBits, DynamicQuantizeMatMul, ...). */
    public static final String MICROSOFT_DOMAIN = "com.microsoft";

    private String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final LinkedHashMap<String, AttributeProto> attributes;
    private String docString;

    /** Creates a node; the lists are copied. */
    public Node(String name, String opType, String domain, List<String> inputs, List<String> outputs) {
        this.name = name == null ? "" : name;
        this.opType = opType;
        this.domain = "ai.onnx".equals(domain) || domain == null ? DEFAULT_DOMAIN : domain;
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        this.attributes = new LinkedHashMap<>();
        this.docString = "";
    }

    /** A default-domain node. */
    public static Node of(String name, String opType, List<String> inputs, List<String> outputs) {
        return new Node(name, opType, DEFAULT_DOMAIN, inputs, outputs);
    }

    static Node fromProto(NodeProto p) {
        Node n = new Node(p.getName(), p.getOpType(), p.getDomain(), p.getInputList(), p.getOutputList());
        for (AttributeProto a : p.getAttributeList()) {
            n.attributes.put(a.getName(), a);
        }
        n.docString = p.getDocString();
        return n;
    }

    /** A deep copy (attributes are immutable protos and are shared). */
    public Node copy() {
        Node n = new Node(name, opType, domain, inputs, outputs);
        n.attributes.putAll(attributes);
        n.docString = docString;
        return n;
    }

    public NodeProto toProto() {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(opType).addAllInput(inputs).addAllOutput(outputs);
        if (!name.isEmpty()) {
            b.setName(name);
        }
        if (!domain.isEmpty()) {
            b.setDomain(domain);
        }
        if (!docString.isEmpty()) {
            b.setDocString(docString);
        }
        b.addAllAttribute(attributes.values());
        return b.build();
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String opType() {
        return opType;
    }

    /** The domain, normalised so the default domain is always {@code ""}. */
    public String domain() {
        return domain;
    }

    /** True when this is {@code opType} in the default ONNX domain. */
    public boolean is(String op) {
        return domain.isEmpty() && opType.equals(op);
    }

    /** The live input list (mutate through {@link #setInput}). */
    public List<String> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<String> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** Input {@code i}, or {@code ""} when absent. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output(int i) {
        return outputs.get(i);
    }

    public void setInput(int i, String value) {
        while (inputs.size() <= i) {
            inputs.add("");
        }
        inputs.set(i, value);
    }

    public void setOutput(int i, String value) {
        outputs.set(i, value);
    }

    /** Replaces every use of {@code from} among the inputs; returns how many were replaced. */
    public int replaceInput(String from, String to) {
        int n = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).equals(from)) {
                inputs.set(i, to);
                n++;
            }
        }
        return n;
    }

    public Map<String, AttributeProto> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    public Optional<AttributeProto> attribute(String attrName) {
        return Optional.ofNullable(attributes.get(attrName));
    }

    public long attrInt(String attrName, long dflt) {
        AttributeProto a = attributes.get(attrName);
        return a == null ? dflt : a.getI();
    }

    public float attrFloat(String attrName, float dflt) {
        AttributeProto a = attributes.get(attrName);
        return a == null ? dflt : a.getF();
    }

    public String attrString(String attrName, String dflt) {
        AttributeProto a = attributes.get(attrName);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    public List<Long> attrInts(String attrName) {
        AttributeProto a = attributes.get(attrName);
        return a == null ? List.of() : a.getIntsList();
    }

    public Node setAttr(AttributeProto a) {
        attributes.put(a.getName(), a);
        return this;
    }

    public Node setAttr(String attrName, long value) {
        return setAttr(AttributeProto.newBuilder().setName(attrName).setType(AttributeProto.AttributeType.INT)
                .setI(value).build());
    }

    public Node setAttr(String attrName, float value) {
        return setAttr(AttributeProto.newBuilder().setName(attrName).setType(AttributeProto.AttributeType.FLOAT)
                .setF(value).build());
    }

    public Node setAttr(String attrName, String value) {
        return setAttr(AttributeProto.newBuilder().setName(attrName).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build());
    }

    public Node setAttrInts(String attrName, List<Long> values) {
        return setAttr(AttributeProto.newBuilder().setName(attrName).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(values).build());
    }

    public void removeAttr(String attrName) {
        attributes.remove(attrName);
    }

    /** Subgraphs held in GRAPH/GRAPHS attributes (If, Loop, Scan bodies). */
    public List<GraphProto> subgraphs() {
        List<GraphProto> out = new ArrayList<>();
        for (AttributeProto a : attributes.values()) {
            if (a.hasG()) {
                out.add(a.getG());
            }
            out.addAll(a.getGraphsList());
        }
        return out;
    }

    /**
     * Outer-scope values a subgraph of this node reads without declaring them as inputs. They count
     * as uses of those values, so a pass must not rename or remove them.
     */
    public Set<String> implicitInputs() {
        Set<String> out = new LinkedHashSet<>();
        for (GraphProto g : subgraphs()) {
            collectImplicit(g, out);
        }
        return out;
    }

    private static void collectImplicit(GraphProto g, Set<String> out) {
        Set<String> local = new LinkedHashSet<>();
        g.getInputList().forEach(v -> local.add(v.getName()));
        g.getInitializerList().forEach(t -> local.add(t.getName()));
        g.getNodeList().forEach(n -> local.addAll(n.getOutputList()));
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !local.contains(in)) {
                    out.add(in);
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                List<GraphProto> subs = new ArrayList<>(a.getGraphsList());
                if (a.hasG()) {
                    subs.add(a.getG());
                }
                for (GraphProto sub : subs) {
                    Set<String> inner = new LinkedHashSet<>();
                    collectImplicit(sub, inner);
                    inner.removeAll(local);
                    out.addAll(inner);
                }
            }
        }
    }

    @Override
    public String toString() {
        return (domain.isEmpty() ? "" : domain + ":") + opType + "(" + name + ") " + inputs + " -> " + outputs;
    }
}
