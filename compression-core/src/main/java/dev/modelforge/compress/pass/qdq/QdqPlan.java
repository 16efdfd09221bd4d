package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where Q/DQ goes, decided on the float graph before calibration.
 *
 * <p>{@link #activations()} maps every activation tensor that gets a QuantizeLinear→DequantizeLinear
 * pair to the tensor whose calibrated range it uses: itself, or for ops that must keep their input's
 * scale (MaxPool, Reshape, Flatten, Transpose, Squeeze, Unsqueeze) the input it shares with, so ORT
 * can drop the pair around them. {@link #calibrated()} is what the calibrator must observe.
 */
final class QdqPlan {

    /**
     * What happens to one node. {@code WEIGHT_ONLY}: float compute on float activations, weights
     * stored int8 and restored by Cast → Mul (ORT folds it back to float at load).
     */
    enum Kind { QUANTIZE_WEIGHTED, QUANTIZE, SHARE_PARAMS, FOLD_ACTIVATION, WEIGHT_ONLY, KEEP_FLOAT, EXCLUDED }

    /** The decision for one node, with why. */
    record Decision(Node node, Kind kind, String reason) {
    }

    private final Map<String, String> activations = new LinkedHashMap<>();
    private final Map<Node, Decision> decisions = new LinkedHashMap<>();
    private final Map<Node, Node> foldedInto = new LinkedHashMap<>();
    private final Set<String> guarded = new LinkedHashSet<>();
    private final Set<String> floatTensors = new LinkedHashSet<>();

    void quantizeActivation(String tensor) {
        activations.putIfAbsent(tensor, tensor);
    }

    void shareActivation(String tensor, String source) {
        activations.putIfAbsent(tensor, root(source));
    }

    /**
     * Leaves {@code tensor} without a Q/DQ pair (accuracy fallback by tensor): its producer writes and its readers
     * read float there. Tensors sharing its parameters keep them (its range is still calibrated).
     */
    void keepFloat(String tensor) {
        if (activations.containsKey(tensor)) {
            floatTensors.add(tensor);
        }
    }

    /** Tensors {@link #keepFloat} took out of {@link #activations()}. */
    Set<String> floatTensors() {
        return Collections.unmodifiableSet(floatTensors);
    }

    boolean isQuantized(String tensor) {
        return activations.containsKey(tensor);
    }

    /** The tensor whose calibrated parameters {@code tensor} uses. */
    String root(String tensor) {
        String r = activations.getOrDefault(tensor, tensor);
        return r.equals(tensor) ? r : root(r);
    }

    void decide(Node node, Kind kind, String reason) {
        decisions.put(node, new Decision(node, kind, reason));
    }

    void fold(Node activation, Node into) {
        foldedInto.put(activation, into);
        decide(activation, Kind.FOLD_ACTIVATION, "folded into the output quantization of " + into.name());
    }

    /**
     * Marks activation {@code tensor}, read from float ops through a MaxPool and non-negative by
     * construction, for a Relu in front of its QuantizeLinear: ORT moves a QuantizeLinear backward
     * through MaxPool (onto its slow uint8 NCHW kernel) but not through a Relu, and then drops that Relu
     * because a uint8 quantizer with zero point 0 clamps exactly like it. On a non-negative tensor the
     * Relu changes nothing, so the model means the same with or without ORT's help.
     */
    void guard(String tensor) {
        guarded.add(tensor);
    }

    /** Activation tensors whose QuantizeLinear reads a Relu guard. */
    Set<String> guarded() {
        return Collections.unmodifiableSet(guarded);
    }

    Decision decision(Node node) {
        return decisions.get(node);
    }

    /** Folded activation nodes → the op whose output they followed. */
    Map<Node, Node> folded() {
        return Collections.unmodifiableMap(foldedInto);
    }

    /** Activation tensors with Q/DQ → the tensor their parameters come from, in graph order. */
    Map<String, String> activations() {
        Map<String, String> paired = new LinkedHashMap<>(activations);
        paired.keySet().removeAll(floatTensors);
        return Collections.unmodifiableMap(paired);
    }

    /** Tensors the calibrator must observe. */
    Set<String> calibrated() {
        return new LinkedHashSet<>(activations.values());
    }

    List<Decision> decisions() {
        return new ArrayList<>(decisions.values());
    }

    boolean quantizesAnything() {
        return decisions.values().stream()
                .anyMatch(d -> d.kind() == Kind.QUANTIZE_WEIGHTED || d.kind() == Kind.QUANTIZE);
    }
}
