package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.pass.qdq.QdqPlan.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, op by op in graph order, which nodes run as integer kernels and which activation tensors
 * get a Q/DQ pair, following the patterns ORT's QDQ fusion turns into QLinearConv, QGemm,
 * QLinearMatMul / MatMulIntegerToFloat, QLinearAdd/Mul/Concat and QLinear(Global)AveragePool.
 */
final class QdqPlanner {

    /** Ops that keep their input's scale; ORT runs them on the integer tensor and drops the pair. */
    static final Set<String> SHARE_OPS = Set.of("MaxPool", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze");
    private static final Set<String> MULTI_INPUT_OPS = Set.of("Add", "Mul", "Concat");
    private static final Set<String> POOL_OPS = Set.of("AveragePool", "GlobalAveragePool");
    private static final Set<String> FOLDABLE = Set.of("Relu", "Clip");
    /** Ops ORT's QDQPropagationTransformer moves a QuantizeLinear backward through (ORT 1.23). */
    private static final Set<String> ORT_Q_PROPAGATES = Set.of("MaxPool", "Reshape", "Transpose", "Squeeze",
            "Unsqueeze", "Slice");

    private final Graph graph;
    private final StaticQuantOptions options;
    private final FloatTensors floats;
    private final Map<String, List<Node>> consumers;
    private final Map<String, Node> producers;
    private final QdqPlan plan = new QdqPlan();

    private QdqPlanner(Graph graph, StaticQuantOptions options) {
        this.graph = graph;
        this.options = options;
        this.floats = FloatTensors.of(graph);
        this.consumers = graph.consumerMap();
        this.producers = graph.producerMap();
    }

    /** Plans quantization of {@code graph} (already BatchNorm-folded, in topological order). */
    static QdqPlan plan(Graph graph, StaticQuantOptions options) {
        QdqPlanner planner = new QdqPlanner(graph, options);
        for (Node n : graph.nodes()) {
            if (planner.plan.decision(n) == null) {
                planner.decide(n);
            }
        }
        return planner.plan;
    }

    private void decide(Node n) {
        if (!n.domain().isEmpty()) {
            plan.decide(n, Kind.KEEP_FLOAT, "op of domain " + n.domain() + " has no QDQ form");
            return;
        }
        if (options.excludeNodes().contains(n.name())) {
            plan.decide(n, Kind.EXCLUDED, "excluded by excludeNodes");
            return;
        }
        if (options.excludeOpTypes().contains(n.opType())) {
            plan.decide(n, Kind.EXCLUDED, "excluded by excludeOpTypes");
            return;
        }
        String op = n.opType();
        Optional<String> refusal = switch (op) {
            case "Conv" -> weighted(n, true);
            case "Gemm", "MatMul" -> weighted(n, false);
            default -> {
                if (MULTI_INPUT_OPS.contains(op)) {
                    yield multiInput(n);
                } else if (POOL_OPS.contains(op)) {
                    yield pool(n);
                } else if (SHARE_OPS.contains(op)) {
                    yield share(n);
                } else if (FOLDABLE.contains(op)) {
                    yield Optional.of("follows an op that stays float (or its output is shared), so it is kept as is");
                } else {
                    yield Optional.of("ORT has no fused integer kernel for " + op + "; kept float");
                }
            }
        };
        refusal.ifPresent(reason -> plan.decide(n, Kind.KEEP_FLOAT, reason));
    }

    private Optional<String> weighted(Node n, boolean conv) {
        String x = n.input(0);
        if (!isFloatActivation(x)) {
            return Optional.of("input " + x + " is not a float activation");
        }
        String b = n.input(1);
        Optional<Tensor> weight = graph.floatInitializer(b);
        if (conv && (weight.isEmpty() || weight.get().rank() < 3)) {
            return Optional.of("weight " + b + " is not a constant float tensor");
        }
        if (!conv && weight.isEmpty() && !isFloatActivation(b)) {
            return Optional.of("second input " + b + " is neither a float weight nor a float activation");
        }
        if (n.is("Gemm") && weight.isPresent() && weight.get().rank() != 2) {
            return Optional.of("Gemm weight " + b + " is not 2-D");
        }
        if (n.inputs().size() > 2 && !n.input(2).isEmpty() && !graph.isInitializer(n.input(2))) {
            return Optional.of("bias " + n.input(2) + " is not a constant");
        }
        Optional<PoolChain> chain = maxPoolFromFloat(x);
        // A Relu guard can pin x's QuantizeLinear behind the pool when it changes nothing (x non-negative) and ORT
        // removes it afterwards (uint8: zero point 0 = qmin). For a MatMul/Gemm behind MaxPool → Reshape (torch's
        // x.view(n, -1)) without a guard, the op is still quantized, only behind ORT's slower uint8 MaxPool.
        Optional<PoolChain> guarded = chain.filter(c -> c.nonNegative() && options.foldsActivations());
        Optional<Node> guardedPool = guarded.map(PoolChain::pool);
        if (conv) {
            Optional<String> floatCompute = floatComputeReason(n, weight.get(),
                    guardedPool.isPresent() ? Optional.empty() : chain);
            if (floatCompute.isPresent()) {
                plan.decide(n, Kind.WEIGHT_ONLY, floatCompute.get());
                return Optional.empty();
            }
        }
        if (guardedPool.isPresent()) {
            plan.guard(x);
        }
        plan.quantizeActivation(x);
        if (weight.isEmpty()) {
            plan.quantizeActivation(b);
        }
        String out = n.output(0);
        boolean floatOutputFuses = !conv && graph.isGraphOutput(out);
        String quantizedOut = foldActivation(n, out);
        if (!quantizedOut.equals(out) || !floatOutputFuses) {
            plan.quantizeActivation(quantizedOut);
        }
        plan.decide(n, Kind.QUANTIZE_WEIGHTED, guarded.map(c -> "its input's QuantizeLinear reads a Relu"
                + " guard (a no-op on the non-negative output of MaxPool " + c.pool().name() + ": "
                + c.nonNegativeBecause() + ") so ORT keeps that MaxPool float instead of moving the quantizer in"
                + " front of it")
                .orElse(chain.isPresent() && conv && options.quantizeUnprovenPools()
                        ? "quantized across MaxPool " + chain.get().pool().name() + " (not shown non-negative;"
                        + " unprovenPool=quantize): ORT runs that MaxPool on uint8 in NCHW"
                        : weight.isPresent() ? "" : "both inputs are activations"));
        return Optional.empty();
    }

    /**
     * Why a Conv should keep float compute (int8 weights restored by Cast → Mul, float input and
     * output, so ORT folds the weight back to float and runs its float kernel), or empty to quantize it.
     *
     * @param unguardedPool the float MaxPool chain its input comes through when no Relu guard can pin the
     *                      QuantizeLinear behind it
     */
    private Optional<String> floatComputeReason(Node conv, Tensor weight, Optional<PoolChain> unguardedPool) {
        long perGroup = weight.dim(1); // [M, C_in/group, kh, kw]
        long group = conv.attrInt("group", 1);
        // Depthwise convs (one input channel per group) have their own int8 kernel in ORT, unlike the
        // dense im2col+GEMM path measured for DEFAULT_MIN_CONV_INPUT_CHANNELS; they stay quantized.
        boolean depthwise = group > 1 && perGroup == 1;
        if (!depthwise && perGroup < options.minConvInputChannels()) {
            return Optional.of("float compute, int8 weights: " + perGroup + " input channel(s) per group < "
                    + "minConvInputChannels " + options.minConvInputChannels()
                    + " (ORT's int8 conv is slower than its float conv at so short a reduction)");
        }
        if (options.quantizeUnprovenPools()) {
            return Optional.empty(); // unprovenPool=quantize: ORT's uint8 MaxPool instead of float compute
        }
        return unguardedPool.map(chain -> "float compute, int8 weights: its input comes from float ops through MaxPool "
                + chain.pool().name() + " (" + (options.foldsActivations() ? "not known to be non-negative"
                        : "int8 activations") + ", so no Relu can pin the QuantizeLinear behind it); ORT would"
                + " move the QuantizeLinear in front of the MaxPool and run that on uint8 in NCHW, which is slower"
                + " than the float MaxPool");
    }

    /**
     * The float MaxPool a QuantizeLinear would be moved in front of, and whether the tensor entering
     * the chain is non-negative by construction and why ({@link NonNegative}; null when it cannot be shown).
     */
    private record PoolChain(Node pool, String nonNegativeBecause) {
        boolean nonNegative() {
            return nonNegativeBecause != null;
        }
    }

    /**
     * The MaxPool a QuantizeLinear on {@code x} would be moved in front of: ORT's QDQ propagation
     * pushes a Q backward through MaxPool/Reshape/Transpose/(Un)Squeeze/Slice while each tensor on the
     * way has a single reader, and stops at a DequantizeLinear (a tensor we quantize anyway).
     */
    private Optional<PoolChain> maxPoolFromFloat(String x) {
        String t = x;
        Node pool = null;
        for (boolean first = true; ; first = false) {
            Node p = producers.get(t);
            boolean singleReader = first || (consumers.getOrDefault(t, List.of()).size() == 1
                    && !graph.isGraphOutput(t));
            if (p == null || !p.domain().isEmpty() || !ORT_Q_PROPAGATES.contains(p.opType()) || !singleReader) {
                break;
            }
            if (p.is("MaxPool")) {
                pool = p;
            }
            t = p.input(0);
        }
        if (pool == null || plan.isQuantized(t)) {
            return Optional.empty();
        }
        return Optional.of(new PoolChain(pool, new NonNegative(graph, producers).why(t).orElse(null)));
    }

    private Optional<String> multiInput(Node n) {
        for (String in : n.inputs()) {
            if (in.isEmpty() || !floats.isFloat(in)) {
                return Optional.of("input " + in + " is not float");
            }
        }
        for (String in : n.inputs()) {
            if (!graph.isInitializer(in)) {
                plan.quantizeActivation(in);
            }
        }
        plan.quantizeActivation(foldActivation(n, n.output(0)));
        plan.decide(n, Kind.QUANTIZE, "");
        return Optional.empty();
    }

    private Optional<String> pool(Node n) {
        if (!isFloatActivation(n.input(0))) {
            return Optional.of("input " + n.input(0) + " is not a float activation");
        }
        plan.quantizeActivation(n.input(0));
        plan.quantizeActivation(n.output(0));
        plan.decide(n, Kind.QUANTIZE, "");
        return Optional.empty();
    }

    private Optional<String> share(Node n) {
        String in = n.input(0);
        if (n.outputs().size() != 1 || (n.is("MaxPool") && n.outputs().size() > 1)) {
            return Optional.of("has more than one output");
        }
        if (!plan.isQuantized(in)) {
            return Optional.of("input " + in + " is not quantized, so there is no scale to share");
        }
        plan.shareActivation(n.output(0), in);
        plan.decide(n, Kind.SHARE_PARAMS, "runs on the quantized tensor with its input's scale");
        return Optional.empty();
    }

    /**
     * When a ReLU/Clip is the only reader of {@code out}, quantize its output instead: the
     * post-activation range is the one that matters, and the quantizer's clamp replaces the op.
     */
    private String foldActivation(Node producer, String out) {
        List<Node> readers = consumers.getOrDefault(out, List.of());
        if (!options.foldsActivations() || graph.isGraphOutput(out) || readers.size() != 1) {
            return out;
        }
        Node act = readers.get(0);
        boolean foldable = act.domain().isEmpty() && FOLDABLE.contains(act.opType())
                && act.input(0).equals(out) && act.outputs().size() == 1
                && !options.excludeNodes().contains(act.name()) && !options.excludeOpTypes().contains(act.opType())
                && act.inputs().stream().skip(1).allMatch(i -> i.isEmpty() || graph.isInitializer(i))
                && clipKeepsZero(act);
        if (!foldable) {
            return out;
        }
        plan.fold(act, producer);
        return act.output(0);
    }

    /**
     * The quantizer's range always contains 0, so it can stand in for a Clip only if the Clip lets 0
     * through (min ≤ 0 ≤ max); a Clip(1, 6) must stay.
     */
    private boolean clipKeepsZero(Node act) {
        if (!act.is("Clip")) {
            return true;
        }
        float min = bound(act.input(1), Float.NEGATIVE_INFINITY);
        float max = bound(act.input(2), Float.POSITIVE_INFINITY);
        return min <= 0 && max >= 0;
    }

    private float bound(String input, float absent) {
        if (input.isEmpty()) {
            return absent;
        }
        return graph.floatScalar(input).orElse(Float.NaN);
    }

    private boolean isFloatActivation(String value) {
        return !value.isEmpty() && !graph.isInitializer(value) && floats.isFloat(value);
    }
}
