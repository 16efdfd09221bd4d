package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;

import java.util.LinkedHashSet;
import java.util.Set;

/** The op families channel analysis understands, and the values its shape probe must expose. */
final class ChannelOps {
    private ChannelOps() {
    }

    static final Set<String> UNARY = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "Elu", "Selu",
            "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Erf", "Gelu", "Identity", "Dropout", "Neg", "Abs",
            "Sqrt", "Exp", "Log", "Reciprocal", "Mish", "Celu", "ThresholdedRelu", "Floor", "Ceil", "Round", "Sign");
    static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "PRelu", "Sum");
    static final Set<String> POOL = Set.of("MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
            "LpPool", "GlobalLpPool");
    static final Set<String> RESHAPES = Set.of("Flatten", "Reshape", "Squeeze", "Unsqueeze");

    /** Values a probe run must expose: outputs reachable from candidate sources through channel-keeping ops. */
    static Set<String> probeValues(Graph g) {
        Set<String> live = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            boolean reads = n.inputs().stream().anyMatch(live::contains);
            boolean source = (n.is("Conv") || n.is("Gemm") || n.is("MatMul"))
                    && g.initializer(n.input(1)).map(t -> t.dataType() == DataType.FLOAT).orElse(false);
            boolean keeps = n.domain().isEmpty() && (UNARY.contains(n.opType()) || BINARY.contains(n.opType())
                    || POOL.contains(n.opType()) || RESHAPES.contains(n.opType()) || n.is("BatchNormalization")
                    || n.is("Concat") || n.is("Split") || n.is("Conv") || n.is("MatMul") || n.is("Transpose")
                    || n.is("Softmax") || n.is("LogSoftmax"));
            if (source || reads && keeps) {
                if (n.is("Concat") || BINARY.contains(n.opType())) {
                    n.inputs().stream().filter(i -> !i.isEmpty() && !g.isInitializer(i)).forEach(live::add);
                }
                if (n.is("Split") || n.is("Dropout") || n.is("MaxPool")) {
                    live.addAll(n.outputs().stream().filter(o -> !o.isEmpty()).limit(n.is("Split") ? 64 : 1).toList());
                } else {
                    live.add(n.output(0));
                }
            }
            if (reads) {
                n.inputs().stream().filter(i -> !i.isEmpty() && !g.isInitializer(i)).forEach(live::add);
            }
        }
        return live;
    }
}
