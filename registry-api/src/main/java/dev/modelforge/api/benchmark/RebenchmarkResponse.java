package dev.modelforge.api.benchmark;

import java.util.List;

/**
 * Answer of {@code POST /api/v1/device-profiles/{name}/rebenchmark}.
 *
 * @param deviceProfile  the profile
 * @param runtimeVersion the requested ONNX Runtime version
 * @param queued         ids of the benchmark jobs queued (empty when every latest result already used it)
 */
public record RebenchmarkResponse(String deviceProfile, String runtimeVersion, List<String> queued) {

    /** Immutable copy. */
    public RebenchmarkResponse {
        queued = List.copyOf(queued);
    }
}
