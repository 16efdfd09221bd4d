package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.Model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pass's account of its work: parameters, per-node actions, weight bytes before/after, opset
 * changes and notes, elapsed time.
 *
 * @param pass             pass name
 * @param params           the resolved parameters
 * @param nodes            per-node entries in graph order
 * @param weightBytesBefore initializer bytes of the input
 * @param weightBytesAfter  initializer bytes of the output
 * @param elapsedMillis    wall time of {@code apply}
 * @param notes            model-level remarks (opset upgraded from 11 to 13, ...)
 */
public record PassReport(String pass, Map<String, Object> params, List<NodeReport> nodes,
                         long weightBytesBefore, long weightBytesAfter, long elapsedMillis, List<String> notes) {
    public PassReport {
        params = Map.copyOf(params);
        nodes = List.copyOf(nodes);
        notes = List.copyOf(notes);
    }

    /** Number of nodes with the given action. */
    public long count(NodeAction action) {
        return nodes.stream().filter(n -> n.action() == action).count();
    }

    /** Collects entries while a pass runs; {@link #build} stamps sizes and time. */
    public static final class Builder {
        private final String pass;
        private final PassParams params;
        private final long startNanos = System.nanoTime();
        private final List<NodeReport> nodes = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        public Builder(String pass, PassParams params) {
            this.pass = pass;
            this.params = params;
        }

        public Builder node(NodeReport r) {
            nodes.add(r);
            return this;
        }

        public Builder note(String note) {
            notes.add(note);
            return this;
        }

        /**
         * Notes the names in {@code param} (e.g. {@code excludeNodes}) that name no node of {@code graph}: a typo there
         * would otherwise exclude nothing without a word. Not an error, because a search may carry names over from an
         * earlier version of the model.
         */
        public Builder noteUnknownNodes(String param, java.util.Collection<String> names,
                                        dev.modelforge.compress.ir.Graph graph) {
            java.util.Set<String> known = new java.util.HashSet<>();
            graph.nodes().forEach(n -> known.add(n.name()));
            List<String> unknown = names.stream().filter(n -> !known.contains(n)).sorted().toList();
            if (!unknown.isEmpty()) {
                notes.add(param + " names no node of this graph, so nothing was excluded for: "
                        + String.join(", ", unknown) + " (node names are exact and case-sensitive)");
            }
            return this;
        }

        /** True when at least one node was quantized or converted. */
        public boolean changedAnything() {
            return nodes.stream().anyMatch(n -> n.action() == NodeAction.QUANTIZED || n.action() == NodeAction.CONVERTED);
        }

        public List<NodeReport> nodes() {
            return List.copyOf(nodes);
        }

        public PassReport build(Model in, Model out) {
            long ms = (System.nanoTime() - startNanos) / 1_000_000;
            return new PassReport(pass, params.asMap(), nodes, in.graph().initializerBytes(),
                    out.graph().initializerBytes(), ms, notes);
        }
    }
}
