package dev.modelforge.registry.version;

import dev.modelforge.onnx.ModelLimits;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Upload limits. */
@ConfigMapping(prefix = "modelforge.upload")
public interface UploadConfig {
    /** Largest model file accepted; larger uploads get a 413 problem (and are never stored). */
    @WithDefault("16G")
    MemorySize maxSize();

    /** Largest evaluation or calibration dataset; they are parsed from local temp files. */
    @WithDefault("2G")
    MemorySize maxDatasetSize();

    /**
     * Decoded bytes of one dataset (arrays, headers, shapes, archive entries), which the registry holds in
     * memory while checking it against the signature; a zip bomb stops here with a 422.
     */
    @WithDefault("1G")
    MemorySize maxDatasetDecodedSize();

    /**
     * How far reception of a raw upload body may run ahead of hashing and storing it; at this many queued
     * bytes the request is paused (TCP back-pressure) until half of them are consumed. Big enough that the
     * event loop rarely waits for the worker (the kernel's socket buffers keep filling meanwhile); small
     * enough that the queued network buffers fit in the young generation's survivor space, so a GC during
     * an upload does not promote them to the old generation (8M did, and heap use during a 1 GiB upload
     * roughly doubled).
     */
    @WithDefault("1M")
    MemorySize receiveBuffer();

    /**
     * Files in one model-directory upload (a tar of {@code model.onnx} and its external data): each becomes an
     * artifact row, so a tar of a million empty files must stop here.
     */
    @WithDefault("4096")
    int maxDirectoryFiles();

    /** A raw upload whose client sends nothing for this long fails with 408 and stores nothing. */
    @WithDefault("60s")
    Duration bodyIdleTimeout();

    /** Caps of the structural check every uploaded model passes (see {@link ModelLimits}). */
    ModelLimitsConfig modelLimits();

    /**
     * {@code modelforge.upload.model-limits.*}: the parser keeps names, shapes and graph edges (never
     * weights) within these, so a crafted file cannot exhaust the heap. Defaults fit real exports up to LLM
     * size; a 422 {@code limit-exceeded} names the key to raise.
     */
    interface ModelLimitsConfig {
        @WithDefault("4096")
        int maxGraphInputs();

        @WithDefault("4096")
        int maxGraphOutputs();

        @WithDefault("64")
        int maxRank();

        /** Input/output names and symbolic dims; they travel in every event about the version. */
        @WithDefault("256K")
        MemorySize maxSignatureBytes();

        /** Every name and reference in the graph, plus 16 bytes each. */
        @WithDefault("32M")
        MemorySize maxNameBytes();

        @WithDefault("1000000")
        int maxInitializers();

        @WithDefault("1000000")
        int maxNodes();

        /** Newest ai.onnx opset the benchmark workers' ONNX Runtime implements. */
        @WithDefault("23")
        int maxOnnxOpset();

        @WithDefault("5")
        int maxOnnxMlOpset();

        default ModelLimits toLimits() {
            return new ModelLimits(maxGraphInputs(), maxGraphOutputs(), maxRank(), maxSignatureBytes().asLongValue(),
                    maxNameBytes().asLongValue(), maxInitializers(), maxNodes(), maxOnnxOpset(), maxOnnxMlOpset());
        }
    }
}
