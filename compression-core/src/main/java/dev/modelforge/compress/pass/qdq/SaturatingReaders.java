package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The interval outside which no reader of a tensor can tell values apart: clamping the tensor to {@code [low, high]}
 * changes no reader's output, so quantization error there is no error at all. The tensor fallback measures each
 * tensor's noise on these values only.
 *
 * <p>The case that matters is hard-swish written out by an old-opset exporter, {@code x · Clip(x + 3, 0, 6) / 6}:
 * below −3 the gate is 0 and the product 0 whatever {@code x} is (PP-OCRv4's recogniser: 30 Conv outputs read only by
 * it, calibrated lows −4 to −41). Also recognised: Relu, Clip with constant bounds, HardSigmoid and HardSwish readers.
 * Any other reader sees the whole line. (Cutting the calibrated ranges themselves to this interval was tried: exact in
 * float, +0.003 on the recogniser's plain cosine, but −0.019 on the PP-OCRv4 detector's, not understood yet, so not
 * done.)
 */
final class SaturatingReaders {

    /** A closed interval, possibly unbounded on either side. */
    record Interval(double low, double high) {
        static final Interval ALL = new Interval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

        Interval hull(Interval o) {
            return new Interval(Math.min(low, o.low), Math.max(high, o.high));
        }

        boolean bounded() {
            return low > Double.NEGATIVE_INFINITY || high < Double.POSITIVE_INFINITY;
        }
    }

    private final Graph graph;
    private final Map<String, List<Node>> consumers;

    SaturatingReaders(Graph graph) {
        this.graph = graph;
        this.consumers = graph.consumerMap();
    }

    /**
     * The values of {@code tensor} its readers distinguish, as computed on the float graph (before folding and
     * rewriting); {@link Interval#ALL} when some reader is sensitive everywhere or the tensor is a graph output.
     */
    Interval distinguished(String tensor) {
        List<Node> readers = consumers.getOrDefault(tensor, List.of());
        if (readers.isEmpty() || graph.isGraphOutput(tensor)) {
            return Interval.ALL;
        }
        Interval seen = null;
        for (Node r : readers) {
            Interval i = reader(r, tensor);
            if (i == null || !i.bounded()) {
                return Interval.ALL;
            }
            seen = seen == null ? i : seen.hull(i);
        }
        return seen;
    }

    /** What {@code r} distinguishes of {@code x}; null when it reads x in a way not modelled here. */
    private Interval reader(Node r, String x) {
        if (!r.domain().isEmpty() || r.outputs().size() != 1) {
            return null;
        }
        boolean unary = r.input(0).equals(x) && r.inputs().stream().skip(1).noneMatch(x::equals);
        if (!unary && !r.is("Add") && !r.is("Mul")) {
            return null;
        }
        return switch (r.opType()) {
            case "Relu" -> new Interval(0, Double.POSITIVE_INFINITY);
            case "Clip" -> clip(r);
            case "HardSigmoid" -> hardSigmoid(r.attrFloat("alpha", 0.2f), r.attrFloat("beta", 0.5f));
            case "HardSwish" -> new Interval(-3, Double.POSITIVE_INFINITY);
            case "Add" -> gateOffset(r, x).map(a -> new Interval(-a, Double.POSITIVE_INFINITY)).orElse(null);
            case "Mul" -> gatedProduct(r, x);
            default -> null;
        };
    }

    /**
     * {@code Mul(x, g)} where g = Clip(x + a, 0, hi) (a gate that is 0 for x ≤ −a): for x below −a the product is 0
     * whatever x is, above it every value counts.
     */
    private Interval gatedProduct(Node mul, String x) {
        if (mul.inputs().size() != 2) {
            return null;
        }
        String other = mul.input(0).equals(x) ? mul.input(1) : mul.input(1).equals(x) ? mul.input(0) : null;
        if (other == null || other.equals(x)) {
            return null;
        }
        Optional<Node> clip = graph.producer(other).filter(n -> n.is("Clip") && n.domain().isEmpty());
        if (clip.isEmpty()) {
            return null;
        }
        Optional<Node> add = graph.producer(clip.get().input(0)).filter(n -> n.is("Add") && n.domain().isEmpty());
        return add.flatMap(a -> gateOffset(a, x)).map(a -> new Interval(-a, Double.POSITIVE_INFINITY)).orElse(null);
    }

    /**
     * a > 0 when {@code add} is {@code x + a} (a a constant scalar) read only by a Clip with lower bound 0 and a
     * positive upper bound, itself read only by products with x: the hard-sigmoid gate of a hard-swish.
     */
    private Optional<Double> gateOffset(Node add, String x) {
        if (add.inputs().size() != 2 || graph.isGraphOutput(add.output(0))) {
            return Optional.empty();
        }
        String c = add.input(0).equals(x) ? add.input(1) : add.input(1).equals(x) ? add.input(0) : null;
        Optional<Double> a = c == null ? Optional.empty() : scalar(c);
        if (a.isEmpty() || a.get() <= 0) {
            return Optional.empty();
        }
        List<Node> readers = consumers.getOrDefault(add.output(0), List.of());
        if (readers.size() != 1 || !readers.get(0).is("Clip") || graph.isGraphOutput(readers.get(0).output(0))) {
            return Optional.empty();
        }
        Interval clip = clip(readers.get(0));
        if (clip == null || clip.low() != 0 || !(clip.high() > 0)) {
            return Optional.empty();
        }
        for (Node gateReader : consumers.getOrDefault(readers.get(0).output(0), List.of())) {
            boolean product = gateReader.is("Mul") && gateReader.domain().isEmpty() && gateReader.inputs().size() == 2
                    && gateReader.inputs().contains(x);
            if (!product) {
                return Optional.empty();
            }
        }
        return a;
    }

    private Interval clip(Node clip) {
        double lo = clip.inputs().size() > 1 && !clip.input(1).isEmpty()
                ? scalar(clip.input(1)).orElse(Double.NaN) : Double.NEGATIVE_INFINITY;
        double hi = clip.inputs().size() > 2 && !clip.input(2).isEmpty()
                ? scalar(clip.input(2)).orElse(Double.NaN) : Double.POSITIVE_INFINITY;
        return Double.isNaN(lo) || Double.isNaN(hi) || lo > hi ? null : new Interval(lo, hi);
    }

    private static Interval hardSigmoid(double alpha, double beta) {
        if (!(alpha > 0)) {
            return null;
        }
        return new Interval(-beta / alpha, (1 - beta) / alpha);
    }

    private Optional<Double> scalar(String name) {
        return graph.floatScalar(name).map(Float::doubleValue);
    }
}
