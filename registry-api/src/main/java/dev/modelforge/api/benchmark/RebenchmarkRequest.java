package dev.modelforge.api.benchmark;

/**
 * Body of {@code POST /api/v1/device-profiles/{name}/rebenchmark}: re-measure every variant whose latest result on
 * the profile was taken with another ONNX Runtime version.
 *
 * @param runtimeVersion the ONNX Runtime version results should have, e.g. {@code 1.23.2}
 */
public record RebenchmarkRequest(String runtimeVersion) {
}
