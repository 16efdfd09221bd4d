package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.api.benchmark.AccuracyMetrics;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.HardwareFingerprint;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.worker.benchmark.hardware.HardwareProbe;
import dev.modelforge.worker.benchmark.measure.BenchmarkRequest.ChildTask;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the measuring child process, started by {@link BenchmarkRunner} as
 * {@code [taskset -c 0-(n-1)] java -Xmx… -cp … MeasureChild task.json}. It runs one task, prints one
 * result line and exits; every failure becomes a failed result, so the parent always has something to post.
 */
public final class MeasureChild {

    private MeasureChild() {
    }

    /**
     * @param args path of the task JSON
     */
    public static void main(String[] args) {
        // The result line must be the only thing we print; runtime logs go to stderr.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        BenchmarkResult result;
        PairedRun paired = null;
        HardwareFingerprint fp = null;
        boolean emulated = true;
        try {
            ChildTask task = ChildJson.MAPPER.readValue(Files.readString(Path.of(args[0])), ChildTask.class);
            int cores = Runtime.getRuntime().availableProcessors();
            fp = HardwareProbe.fingerprint(cores, task.workerVersion());
            emulated = task.target() == null || task.target().isEmulatedOn(fp.arch(), fp.isaFlags());
            if (task.mode() == BenchmarkRequest.Mode.PAIRED) {
                paired = paired(task);
                result = new BenchmarkResult(null, null, null, BenchmarkStatus.OK, null, null, emulated, null, null,
                        null, null, null, null, null, null, fp, List.of(), Instant.now());
            } else {
                result = task.mode() == BenchmarkRequest.Mode.MEMORY
                        ? MemoryProbe.run(Path.of(task.model()), task.settings(), task.plan(), fp, emulated,
                                aborted -> emit(out, aborted, null, 0))
                        : measure(task, fp, emulated);
            }
        } catch (Throwable e) {
            BenchmarkFailure f = BenchmarkFailure.classify(e);
            result = BenchmarkResult.failed(f.reason(), f.getMessage(), fp, emulated);
        }
        emit(out, result, paired, -1);
        System.exit(0);
    }

    /** Prints the result line; with a status, halts at once (the memory watchdog must stop the run). */
    private static synchronized void emit(PrintStream out, BenchmarkResult result, PairedRun paired, int haltStatus) {
        try {
            out.println(ChildJson.MARKER + ChildJson.MAPPER.writeValueAsString(
                    new BenchmarkRequest.ChildOutput(result, paired)));
            out.flush();
        } catch (Exception e) {
            out.println(ChildJson.MARKER + "{\"result\":{\"status\":\"FAILED\",\"failureReason\":\"RUNTIME_ERROR\"}}");
        }
        if (haltStatus >= 0) {
            Runtime.getRuntime().halt(haltStatus);
        }
    }

    static BenchmarkResult measure(ChildTask task, HardwareFingerprint fp, boolean emulated) {
        RuntimeSettings settings = task.settings();
        List<String> notes = new ArrayList<>();
        try (LoadedModel variant = LoadedModel.load(Path.of(task.model()), settings);
             LoadedModel baseline = task.baseline() == null ? null : LoadedModel.load(Path.of(task.baseline()), settings)) {
            EvalDataset eval = null;
            if (task.eval() != null) {
                try {
                    eval = EvalDataset.load(Path.of(task.eval()), variant.signature());
                    eval.warnings().forEach(w -> notes.add("evaluation set: " + w));
                } catch (RuntimeException e) {
                    throw new BenchmarkFailure(dev.modelforge.api.benchmark.FailureReason.INVALID_INPUT,
                            "evaluation set does not fit the model: " + e.getMessage());
                }
            }
            AccuracyMetrics accuracy = eval == null ? null : new AccuracyEvaluator().evaluate(variant, baseline, eval);
            LatencyReport latency = new LatencyBenchmark(task.plan()).measure(variant, eval, settings.batchSizes());
            notes.addAll(latency.notes());
            return new BenchmarkResult(null, null, null, BenchmarkStatus.OK, null, null, emulated,
                    latency.sizeBytes(), latency.loadMillis(), latency.latency(), latency.throughput(), null, null,
                    accuracy, null, fp, notes, Instant.now());
        }
    }

    static PairedRun paired(ChildTask task) {
        try (LoadedModel baseline = LoadedModel.load(Path.of(task.baseline()), task.settings());
             LoadedModel variant = LoadedModel.load(Path.of(task.model()), task.settings())) {
            EvalDataset eval = task.eval() == null ? null : EvalDataset.load(Path.of(task.eval()), variant.signature());
            return new PairedBenchmark(task.plan()).run(baseline, variant, eval);
        }
    }
}
