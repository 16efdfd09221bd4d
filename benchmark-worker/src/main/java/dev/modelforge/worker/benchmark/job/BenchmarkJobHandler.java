package dev.modelforge.worker.benchmark.job;

import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.worker.benchmark.hardware.TargetHardware;
import dev.modelforge.worker.benchmark.measure.BenchmarkFailure;
import dev.modelforge.worker.benchmark.measure.BenchmarkRequest;
import dev.modelforge.worker.benchmark.measure.BenchmarkRunner;
import dev.modelforge.worker.benchmark.measure.MeasurementPlan;
import dev.modelforge.worker.benchmark.measure.RuntimeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One job end to end: fetch the profile, download and verify the artifacts, measure in child processes,
 * deliver the result. Every failure before delivery becomes a failed result for the job; only delivery
 * itself may throw (so the consumer retries it without re-measuring twice for nothing).
 */
public final class BenchmarkJobHandler {

    private final ArtifactStore store;
    private final BenchmarkRunner runner;
    private final Function<String, DeviceProfile> profiles;
    private final Consumer<BenchmarkResult> sink;
    private final Path workDir;
    private final List<Integer> batchSizes;
    private final MeasurementPlan plan;

    /**
     * @param store      artifact download
     * @param runner     measurement
     * @param profiles   profile lookup by name (the registry)
     * @param sink       result delivery (the registry's POST)
     * @param workDir    scratch directory
     * @param batchSizes throughput batch sizes
     * @param plan       measurement plan
     */
    public BenchmarkJobHandler(ArtifactStore store, BenchmarkRunner runner, Function<String, DeviceProfile> profiles,
                               Consumer<BenchmarkResult> sink, Path workDir, List<Integer> batchSizes,
                               MeasurementPlan plan) {
        this.store = store;
        this.runner = runner;
        this.profiles = profiles;
        this.sink = sink;
        this.workDir = workDir;
        this.batchSizes = List.copyOf(batchSizes);
        this.plan = plan;
    }

    /**
     * @param job the job
     * @return the delivered result, attributed to the job
     */
    public BenchmarkResult handle(BenchmarkJob job) {
        BenchmarkResult result;
        Path dir = null;
        try {
            dir = Files.createTempDirectory(workDir, "benchmark-job-");
            DeviceProfile profile = profiles.apply(job.deviceProfile());
            RuntimeSettings settings = RuntimeSettings.of(profile, batchSizes);
            Path model = store.download(job.artifact(), dir.resolve("variant.onnx"));
            boolean isBaseline = job.baseline() == null || job.variantId().equals(job.baselineVariantId());
            Path baseline = isBaseline ? null : store.download(job.baseline(), dir.resolve("baseline.onnx"));
            Path eval = job.eval() == null ? null : store.download(job.eval(), dir.resolve("eval" + extension(job.eval())));
            result = runner.run(new BenchmarkRequest(model, baseline, isBaseline ? null : job.baselineVariantId(), eval,
                    settings, plan, TargetHardware.of(profile.hardware())));
        } catch (BenchmarkFailure f) {
            result = BenchmarkResult.failed(f.reason(), f.getMessage(), null, true);
        } catch (IOException | RuntimeException e) {
            BenchmarkFailure f = BenchmarkFailure.classify(e);
            result = BenchmarkResult.failed(f.reason(), f.getMessage(), null, true);
        } finally {
            deleteTree(dir);
        }
        BenchmarkResult attributed = result.forJob(job.jobId(), job.variantId(), job.deviceProfile());
        sink.accept(attributed);
        return attributed;
    }

    private static String extension(StoredObject o) {
        String key = o.storageKey();
        int dot = key.lastIndexOf('.');
        return dot > key.lastIndexOf('/') && dot >= 0 ? key.substring(dot) : ".npz";
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // scratch space; a leftover is harmless and the next job uses a new directory
        }
    }
}
