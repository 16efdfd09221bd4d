package dev.modelforge.worker.benchmark.measure;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.api.benchmark.HardwareFingerprint;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Child-process side of the memory measurement: this process does nothing but load the model and run it
 * (batch 1, then the largest profile batch), so its peak resident set (VmHWM) is the model's and the
 * runtime's, not the worker's. The runtime is initialised before the baseline is read, so
 * {@code peak − base} is what the model adds; the profile's memory limit applies to that difference,
 * checked continuously by a watchdog thread and once more against the high-water mark at the end.
 */
final class MemoryProbe {

    private static final long POLL_MILLIS = 5;

    private MemoryProbe() {
    }

    static BenchmarkResult run(Path model, RuntimeSettings settings, MeasurementPlan plan,
                               HardwareFingerprint fingerprint, boolean emulated, Consumer<BenchmarkResult> abort) {
        Engine.getEngine("OnnxRuntime");
        System.gc();
        double base = ProcStatus.rssMb();
        Thread watchdog = null;
        if (settings.memoryLimitMb() > 0) {
            watchdog = new Thread(() -> watch(base, settings.memoryLimitMb(), fingerprint, emulated, abort),
                    "memory-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        List<String> notes = new ArrayList<>();
        try (LoadedModel m = LoadedModel.load(model, settings)) {
            runBatch(m, 1, plan, 3);
            int largest = Collections.max(settings.batchSizes());
            if (largest > 1) {
                try {
                    runBatch(m, largest, plan, 2);
                } catch (InputFactory.UnsupportedBatchException e) {
                    notes.add("memory at batch " + largest + " not measured: " + e.getMessage());
                }
            }
        }
        double peak = ProcStatus.peakRssMb();
        if (watchdog != null) {
            watchdog.interrupt();
        }
        if (settings.memoryLimitMb() > 0 && peak - base > settings.memoryLimitMb()) {
            return limitExceeded(peak, base, settings.memoryLimitMb(), fingerprint, emulated);
        }
        return new BenchmarkResult(null, null, null, BenchmarkStatus.OK, null, null, emulated, null, null, null,
                null, peak, base, null, null, fingerprint, notes, Instant.now());
    }

    private static void runBatch(LoadedModel m, int batch, MeasurementPlan plan, int times) {
        try (NDList in = m.prepare(InputFactory.inputs(m.signature(), null, batch, plan.seed()))) {
            for (int i = 0; i < times; i++) {
                m.timeOnce(in);
            }
        }
    }

    private static void watch(double base, long limitMb, HardwareFingerprint fp, boolean emulated,
                              Consumer<BenchmarkResult> abort) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                double rss = ProcStatus.rssMb();
                if (rss - base > limitMb) {
                    abort.accept(limitExceeded(Math.max(rss, ProcStatus.peakRssMb()), base, limitMb, fp, emulated));
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static BenchmarkResult limitExceeded(double peak, double base, long limitMb, HardwareFingerprint fp,
                                                 boolean emulated) {
        String detail = String.format("model needs at least %.1f MB resident (peak %.1f MB − runtime %.1f MB), "
                + "profile limit is %d MB", peak - base, peak, base, limitMb);
        BenchmarkResult failed = BenchmarkResult.failed(FailureReason.MEMORY_LIMIT_EXCEEDED, detail, fp, emulated);
        return new BenchmarkResult(null, null, null, failed.status(), failed.failureReason(), detail, emulated,
                null, null, null, null, peak, base, null, null, fp, List.of(), failed.measuredAt());
    }
}
