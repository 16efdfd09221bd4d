package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Folds inference-mode {@code BatchNormalization} into the {@code Conv} that feeds it:
 * {@code W'[m] = W[m]·γ[m]/√(σ²[m]+ε)} and {@code b'[m] = (b[m]−μ[m])·γ[m]/√(σ²[m]+ε) + β[m]}.
 *
 * <p>This is exact up to float rounding (computed in double) and must happen before quantization:
 * otherwise the Conv output is quantized before the BN rescales it, and ReLU would not follow the
 * Conv directly, so ORT could not fuse Conv+ReLU into one QLinearConv.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /** One fold that happened: the BN removed and the Conv that absorbed it. */
    public record Fold(String batchNorm, String conv) {
    }

    /** Folds every eligible BN of {@code graph} in place and returns what was folded. */
    public static List<Fold> apply(Graph graph) {
        List<Fold> folds = new ArrayList<>();
        Map<String, List<Node>> consumers = graph.consumerMap();
        Map<String, Node> producers = graph.producerMap();
        for (Node bn : List.copyOf(graph.nodes())) {
            if (!bn.is("BatchNormalization") || bn.outputs().size() != 1 || bn.inputs().size() < 5) {
                continue;
            }
            Node conv = producers.get(bn.input(0));
            if (conv == null || !conv.is("Conv") || graph.isGraphOutput(bn.input(0))
                    || consumers.getOrDefault(bn.input(0), List.of()).size() != 1) {
                continue;
            }
            Optional<float[]> folded = fold(graph, conv, bn);
            if (folded.isEmpty()) {
                continue;
            }
            conv.setOutput(0, bn.output(0));
            graph.removeNode(bn);
            folds.add(new Fold(bn.name(), conv.name()));
        }
        if (!folds.isEmpty()) {
            graph.removeUnusedInitializers();
        }
        return folds;
    }

    private static Optional<float[]> fold(Graph graph, Node conv, Node bn) {
        Optional<Tensor> weight = graph.floatInitializer(conv.input(1));
        Optional<Tensor> gamma = graph.floatInitializer(bn.input(1));
        Optional<Tensor> beta = graph.floatInitializer(bn.input(2));
        Optional<Tensor> mean = graph.floatInitializer(bn.input(3));
        Optional<Tensor> var = graph.floatInitializer(bn.input(4));
        if (weight.isEmpty() || gamma.isEmpty() || beta.isEmpty() || mean.isEmpty() || var.isEmpty()
                || weight.get().rank() < 3) {
            return Optional.empty();
        }
        int channels = (int) weight.get().dim(0);
        Optional<Tensor> bias = conv.input(2).isEmpty() ? Optional.empty() : graph.floatInitializer(conv.input(2));
        if (!conv.input(2).isEmpty() && bias.isEmpty()) {
            return Optional.empty();
        }
        float[] g = gamma.get().floats();
        float[] b = beta.get().floats();
        float[] m = mean.get().floats();
        float[] v = var.get().floats();
        if (g.length != channels || b.length != channels || m.length != channels || v.length != channels) {
            return Optional.empty();
        }
        double eps = bn.attrFloat("epsilon", 1e-5f);
        float[] w = weight.get().floats();
        float[] oldBias = bias.map(Tensor::floats).orElse(new float[channels]);
        int perChannel = w.length / channels;
        float[] newW = new float[w.length];
        float[] newB = new float[channels];
        for (int c = 0; c < channels; c++) {
            double factor = g[c] / Math.sqrt(v[c] + eps);
            for (int k = 0; k < perChannel; k++) {
                newW[c * perChannel + k] = (float) (w[c * perChannel + k] * factor);
            }
            newB[c] = (float) ((oldBias[c] - m[c]) * factor + b[c]);
        }
        // Keep the exporter's names when the replaced tensors have no other reader.
        String wName = graph.hasSoleReader(conv.input(1)) ? conv.input(1) : graph.uniqueName(conv.input(1) + "_bn_folded");
        String bName;
        if (bias.isPresent() && graph.hasSoleReader(conv.input(2))) {
            bName = conv.input(2);
        } else if (bias.isEmpty() && graph.hasSoleReader(bn.input(2))) {
            bName = bn.input(2);
        } else {
            bName = graph.uniqueName(conv.name() + "_bias_bn_folded");
        }
        graph.putInitializer(Tensor.ofFloats(wName, weight.get().shape(), newW));
        graph.putInitializer(Tensor.ofFloats(bName, new long[] {channels}, newB));
        conv.setInput(1, wName);
        conv.setInput(2, bName);
        return Optional.of(newB);
    }

}
