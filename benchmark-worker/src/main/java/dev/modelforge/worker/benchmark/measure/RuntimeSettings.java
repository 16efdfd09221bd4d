package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.api.profile.DeviceProfile;
import java.util.List;
import java.util.Locale;

/**
 * How a device profile runs a model: ONNX Runtime execution provider and threads, graph optimization,
 * the cores the process may use and its memory limit.
 *
 * @param executionProvider       {@code cpu} (others are accepted only if this ORT build has them)
 * @param intraOpThreads          threads inside one operator
 * @param interOpThreads          threads across independent operators (1 = sequential execution)
 * @param graphOptimizationLevel  ORT graph optimization level applied at load time
 * @param cores                   cores the measurement is pinned to (0 = all of the machine's)
 * @param memoryLimitMb           resident memory the model may add to the process (0 = unlimited)
 * @param batchSizes              batch sizes to report throughput at
 */
public record RuntimeSettings(String executionProvider, int intraOpThreads, int interOpThreads,
                              GraphOptimizationLevel graphOptimizationLevel, int cores, long memoryLimitMb,
                              List<Integer> batchSizes) {

    public RuntimeSettings {
        executionProvider = executionProvider == null || executionProvider.isBlank()
                ? "cpu" : executionProvider.toLowerCase(Locale.ROOT);
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("intra/inter-op threads must be >= 1, got "
                    + intraOpThreads + "/" + interOpThreads);
        }
        if (cores < 0 || memoryLimitMb < 0) {
            throw new IllegalArgumentException("cores and memoryLimitMb must be >= 0");
        }
        graphOptimizationLevel = graphOptimizationLevel == null ? GraphOptimizationLevel.ALL : graphOptimizationLevel;
        batchSizes = batchSizes == null || batchSizes.isEmpty() ? List.of(1) : List.copyOf(batchSizes);
        if (batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("batch sizes must be >= 1: " + batchSizes);
        }
    }

    /**
     * A device profile's settings as the engine needs them: threads and provider from its runtime section,
     * cores from its hardware, the memory limit from its limits (else its hardware memory).
     *
     * @param profile    the device profile
     * @param batchSizes throughput batch sizes (the profile does not carry them; worker configuration does)
     * @return the settings
     */
    public static RuntimeSettings of(DeviceProfile profile, List<Integer> batchSizes) {
        var rt = profile.runtime();
        var hw = profile.hardware();
        Double maxMemory = profile.limits() == null ? null : profile.limits().maxMemoryMb();
        long memory = maxMemory != null ? (long) Math.ceil(maxMemory)
                : hw != null && hw.memoryMb() != null ? hw.memoryMb() : 0;
        int intra = rt == null || rt.intraOpThreads() == null ? 1 : rt.intraOpThreads();
        int inter = rt == null || rt.interOpThreads() == null ? 1 : rt.interOpThreads();
        return new RuntimeSettings(rt == null ? "cpu" : rt.executionProvider(), intra, inter,
                GraphOptimizationLevel.parse(rt == null ? null : rt.graphOptimizationLevel()),
                hw == null || hw.cores() == null ? 0 : hw.cores(), memory, batchSizes);
    }

    /**
     * Single-threaded CPU settings, all cores, no memory limit, batch 1 only.
     *
     * @return the settings
     */
    public static RuntimeSettings cpuDefaults() {
        return new RuntimeSettings("cpu", 1, 1, GraphOptimizationLevel.ALL, 0, 0, List.of(1));
    }

    /**
     * @param n batch sizes
     * @return a copy with those throughput batch sizes
     */
    public RuntimeSettings withBatchSizes(List<Integer> n) {
        return new RuntimeSettings(executionProvider, intraOpThreads, interOpThreads, graphOptimizationLevel,
                cores, memoryLimitMb, n);
    }

    /**
     * @param limitMb memory limit in MB (0 = none)
     * @return a copy with that memory limit
     */
    public RuntimeSettings withMemoryLimitMb(long limitMb) {
        return new RuntimeSettings(executionProvider, intraOpThreads, interOpThreads, graphOptimizationLevel,
                cores, limitMb, batchSizes);
    }

    /**
     * @param n core count to pin to (0 = all)
     * @return a copy restricted to n cores
     */
    public RuntimeSettings withCores(int n) {
        return new RuntimeSettings(executionProvider, intraOpThreads, interOpThreads, graphOptimizationLevel,
                n, memoryLimitMb, batchSizes);
    }
}
