package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/** Node-order algorithms over a graph's node list: stable topological sort and op counting. */
final class TopologicalOrder {
    private TopologicalOrder() {
    }

    /** Kahn's algorithm with the current index as tie-breaker, so a sorted list is returned unchanged. */
    static List<Node> of(List<Node> nodes, String name) {
        Map<String, Integer> producerIndex = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                producerIndex.put(o, i);
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> dependents = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Set<Integer> deps = new HashSet<>();
            Node n = nodes.get(i);
            List<String> reads = new ArrayList<>(n.inputs());
            if (!n.subgraphs().isEmpty()) {
                reads.addAll(n.implicitInputs());
            }
            for (String in : reads) {
                Integer p = producerIndex.get(in);
                if (p != null && p != i && deps.add(p)) {
                    dependents.get(p).add(i);
                }
            }
            pending[i] = deps.size();
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < pending.length; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> sorted = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            sorted.add(nodes.get(i));
            for (int d : dependents.get(i)) {
                if (--pending[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (sorted.size() != nodes.size()) {
            throw new IllegalStateException("graph " + name + " has a cycle");
        }
        return sorted;
    }

    /** Op counts by {@code [domain:]opType}, subgraphs included. */
    static Map<String, Integer> histogram(List<Node> nodes) {
        Map<String, Integer> h = new TreeMap<>();
        for (Node n : nodes) {
            h.merge(n.domain().isEmpty() ? n.opType() : n.domain() + ":" + n.opType(), 1, Integer::sum);
            for (GraphProto sub : n.subgraphs()) {
                countSub(sub, h);
            }
        }
        return h;
    }

    private static void countSub(GraphProto g, Map<String, Integer> h) {
        for (NodeProto n : g.getNodeList()) {
            String d = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
            h.merge(d.isEmpty() ? n.getOpType() : d + ":" + n.getOpType(), 1, Integer::sum);
            n.getAttributeList().forEach(a -> {
                if (a.hasG()) {
                    countSub(a.getG(), h);
                }
                a.getGraphsList().forEach(s -> countSub(s, h));
            });
        }
    }
}
