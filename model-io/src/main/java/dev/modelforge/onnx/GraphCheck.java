package dev.modelforge.onnx;

import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The main graph's wiring, kept compactly while the model streams by (tensor names interned to ints,
 * every node's edges in one int array), then checked for what makes a graph unrunnable: a node reading a
 * tensor nothing defines, a tensor defined twice, an output nothing produces, a cycle, a node of a domain
 * the model does not import. Subgraphs (If/Loop bodies) are not walked; they are skipped with their node.
 */
final class GraphCheck {
    private static final int NONE = -1;

    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    /** Per node: input count, input ids, output count, output ids. */
    private int[] edges = new int[1024];
    private int edgeCount;
    private final List<Integer> nodeStart = new ArrayList<>();
    private final List<String> nodeLabels = new ArrayList<>();
    private final Map<String, String> domainUsers = new LinkedHashMap<>();

    void addNode(String name, String opType, String domain, List<String> inputs, List<String> outputs) {
        String label = (name.isEmpty() ? "#" + nodeLabels.size() : "'" + name + "'") + " (" + opType + ")";
        nodeStart.add(edgeCount);
        nodeLabels.add(label);
        domainUsers.putIfAbsent(domain.equals("ai.onnx") ? "" : domain, label);
        append(inputs.size());
        inputs.forEach(i -> append(i.isEmpty() ? NONE : id(i)));
        append(outputs.size());
        outputs.forEach(o -> append(o.isEmpty() ? NONE : id(o)));
    }

    /**
     * @param graphInputs  names of graph inputs (initializers included)
     * @param initializers names of initializers
     * @param outputs      names of graph outputs
     * @param opsets       imported opsets by domain
     */
    void check(List<String> graphInputs, Set<String> initializers, List<String> outputs, Map<String, Long> opsets) {
        for (var use : domainUsers.entrySet()) {
            if (!opsets.containsKey(use.getKey()) && !(use.getKey().isEmpty() && opsets.containsKey("ai.onnx"))) {
                throw unrunnable("node " + use.getValue() + " uses operator domain '" + use.getKey()
                        + "', which the model does not import (opset_import)");
            }
        }
        int n = nodeLabels.size();
        int[] producer = new int[names.size()];
        Arrays.fill(producer, NONE);
        boolean[] external = new boolean[names.size()];
        for (String s : graphInputs) {
            mark(external, s);
        }
        for (String s : initializers) {
            mark(external, s);
        }
        for (int node = 0; node < n; node++) {
            int p = outputsAt(node);
            for (int k = 0; k < edges[p]; k++) {
                int t = edges[p + 1 + k];
                if (t == NONE) {
                    continue;
                }
                if (producer[t] != NONE || external[t]) {
                    throw unrunnable("tensor '" + names.get(t) + "' is defined twice: node " + nodeLabels.get(node)
                            + " writes it, but " + (external[t] ? "it is also a graph input or initializer"
                            : "node " + nodeLabels.get(producer[t]) + " already does"));
                }
                producer[t] = node;
            }
        }
        int[] pending = new int[n];
        for (int node = 0; node < n; node++) {
            int p = nodeStart.get(node);
            for (int k = 0; k < edges[p]; k++) {
                int t = edges[p + 1 + k];
                if (t == NONE || external[t]) {
                    continue;
                }
                if (producer[t] == NONE) {
                    throw unrunnable("node " + nodeLabels.get(node) + " reads tensor '" + names.get(t)
                            + "', which no node, initializer or graph input defines");
                }
                pending[node]++;
            }
        }
        for (String o : outputs) {
            Integer t = ids.get(o);
            if (!initializers.contains(o) && !graphInputs.contains(o) && (t == null || producer[t] == NONE)) {
                throw unrunnable("graph output '" + o + "' is never produced by any node");
            }
        }
        requireAcyclic(producer, external, pending);
    }

    /** Kahn's algorithm: nodes that never become ready sit on (or behind) a cycle. */
    private void requireAcyclic(int[] producer, boolean[] external, int[] pending) {
        int n = pending.length;
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            consumers.add(null);
        }
        for (int node = 0; node < n; node++) {
            int p = nodeStart.get(node);
            for (int k = 0; k < edges[p]; k++) {
                int t = edges[p + 1 + k];
                if (t != NONE && !external[t]) {
                    if (consumers.get(t) == null) {
                        consumers.set(t, new ArrayList<>(2));
                    }
                    consumers.get(t).add(node);
                }
            }
        }
        var ready = new ArrayDeque<Integer>();
        for (int node = 0; node < n; node++) {
            if (pending[node] == 0) {
                ready.add(node);
            }
        }
        int done = 0;
        while (!ready.isEmpty()) {
            int node = ready.poll();
            done++;
            int p = outputsAt(node);
            for (int k = 0; k < edges[p]; k++) {
                int t = edges[p + 1 + k];
                if (t != NONE && consumers.get(t) != null) {
                    for (int c : consumers.get(t)) {
                        if (--pending[c] == 0) {
                            ready.add(c);
                        }
                    }
                }
            }
        }
        if (done < n) {
            throw unrunnable("the graph has a cycle through node " + nodeLabels.get(nodeOnCycle(producer, pending))
                    + "; ONNX graphs must be acyclic");
        }
    }

    /** Walks back from a stuck node along stuck producers until a node repeats: that one is on a cycle. */
    private int nodeOnCycle(int[] producer, int[] pending) {
        int node = 0;
        while (pending[node] == 0) {
            node++;
        }
        boolean[] seen = new boolean[pending.length];
        while (!seen[node]) {
            seen[node] = true;
            int p = nodeStart.get(node);
            int next = node;
            for (int k = 0; k < edges[p]; k++) {
                int t = edges[p + 1 + k];
                if (t != NONE && producer[t] != NONE && pending[producer[t]] > 0) {
                    next = producer[t];
                    break;
                }
            }
            if (next == node) {
                return node;
            }
            node = next;
        }
        return node;
    }

    private int outputsAt(int node) {
        int p = nodeStart.get(node);
        return p + 1 + edges[p];
    }

    private void mark(boolean[] external, String name) {
        Integer t = ids.get(name);
        if (t != null) {
            external[t] = true;
        }
    }

    private int id(String name) {
        Integer id = ids.get(name);
        if (id == null) {
            id = names.size();
            ids.put(name, id);
            names.add(name);
        }
        return id;
    }

    private void append(int v) {
        if (edgeCount == edges.length) {
            edges = Arrays.copyOf(edges, edges.length * 2);
        }
        edges[edgeCount++] = v;
    }

    private static InvalidOnnxException unrunnable(String message) {
        return new InvalidOnnxException(Reason.UNRUNNABLE, message);
    }
}
