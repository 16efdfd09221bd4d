package dev.modelforge.worker.benchmark.job;

import dev.modelforge.onnx.ScratchDirs;

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
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Measures one job: resolve the profile, download and verify the artifacts (the variant, with a baseline also
 * the baseline for the paired A/B comparison, and the eval set), measure in child processes.
 *
 * <p>Whatever is the variant's fault (corrupt or unsupported model, out of memory, timeout, checksum mismatch,
 * missing artifact) becomes a failed result attributed to the job. Only {@link TransientFailure} (storage or
 * registry unreachable) and {@link RejectedJob} escape, so the caller retries or dead-letters instead of
 * recording a failure that says nothing about the variant.
 */
public final class BenchmarkJobHandler {

    private final ArtifactStore store;
    private final BenchmarkRunner runner;
    private final Function<String, DeviceProfile> profiles;
    private final Path workDir;
    private final List<Integer> batchSizes;
    private final MeasurementPlan plan;

    /**
     * @param store      artifact download
     * @param runner     measurement
     * @param profiles   profile lookup by name (the registry), for jobs without a profile snapshot
     * @param workDir    scratch directory
     * @param batchSizes throughput batch sizes
     * @param plan       measurement plan
     */
    public BenchmarkJobHandler(ArtifactStore store, BenchmarkRunner runner, Function<String, DeviceProfile> profiles,
                               Path workDir, List<Integer> batchSizes, MeasurementPlan plan) {
        this.store = store;
        this.runner = runner;
        this.profiles = profiles;
        this.workDir = workDir;
        this.batchSizes = List.copyOf(batchSizes);
        this.plan = plan;
    }

    /**
     * @param job the job
     * @return the result (ok or failed), attributed to the job
     * @throws TransientFailure when an artifact or the profile cannot be fetched right now
     * @throws RejectedJob      when the registry rejects the profile lookup for good
     */
    public BenchmarkResult handle(BenchmarkJob job) {
        BenchmarkResult result;
        Path dir = null;
        try {
            dir = ScratchDirs.createDirectory(workDir, "benchmark-job-");
            DeviceProfile profile = job.profile() != null ? job.profile() : profiles.apply(job.deviceProfile());
            RuntimeSettings settings = RuntimeSettings.of(profile, batchSizes);
            Path model = store.downloadModel(job.artifact(), dir, "variant");
            boolean isBaseline = job.baseline() == null || job.variantId().equals(job.baselineVariantId());
            Path baseline = isBaseline ? null : store.downloadModel(job.baseline(), dir, "baseline");
            Path eval = job.eval() == null ? null : store.download(job.eval(), dir.resolve("eval" + extension(job.eval())));
            result = runner.run(new BenchmarkRequest(model, baseline, isBaseline ? null : job.baselineVariantId(), eval,
                    settings, plan, TargetHardware.of(profile.hardware())));
        } catch (TransientFailure | RejectedJob e) {
            throw e;
        } catch (BenchmarkFailure f) {
            result = BenchmarkResult.failed(f.reason(), f.getMessage(), null, true);
        } catch (IOException | RuntimeException e) {
            BenchmarkFailure f = BenchmarkFailure.classify(e);
            result = BenchmarkResult.failed(f.reason(), f.getMessage(), null, true);
        } finally {
            deleteTree(dir);
        }
        return result.forJob(job.jobId(), job.variantId(), job.deviceProfile());
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
