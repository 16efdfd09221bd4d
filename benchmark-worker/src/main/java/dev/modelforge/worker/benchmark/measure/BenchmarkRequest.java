package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.worker.benchmark.hardware.TargetHardware;
import java.nio.file.Path;

/**
 * One measurement to run: a model, optionally the baseline to compare with, optionally the evaluation set.
 *
 * @param model             the variant's .onnx file
 * @param baseline          the baseline's .onnx file, or null (no comparison, no fidelity)
 * @param baselineVariantId registry id of the baseline, or null
 * @param eval              evaluation set (.npz), or null
 * @param settings          the device profile's runtime settings
 * @param plan              iteration counts and budgets
 * @param target            the profile's hardware, to decide whether this run is emulated; null = unknown
 *                          (treated as emulated)
 */
public record BenchmarkRequest(Path model, Path baseline, String baselineVariantId, Path eval,
                               RuntimeSettings settings, MeasurementPlan plan, TargetHardware target) {

    public BenchmarkRequest {
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(settings, "settings");
        plan = plan == null ? MeasurementPlan.standard() : plan;
    }

    /** What the parent hands a child process; paths as strings so it round-trips through JSON. */
    record ChildTask(Mode mode, String model, String baseline, String baselineVariantId, String eval,
                     RuntimeSettings settings, MeasurementPlan plan, TargetHardware target, String workerVersion) {
    }

    /** The child programs: memory only; accuracy/latency/throughput; one interleaved baseline/variant run. */
    enum Mode { MEMORY, MEASURE, PAIRED }

    /** What a child prints: always a result (failed or ok); for PAIRED also the raw run. */
    record ChildOutput(dev.modelforge.api.benchmark.BenchmarkResult result, PairedRun paired) {
    }
}
