package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.onnx.ScratchDirs;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.api.benchmark.LatencyComparison;
import dev.modelforge.worker.benchmark.measure.BenchmarkRequest.ChildOutput;
import dev.modelforge.worker.benchmark.measure.BenchmarkRequest.ChildTask;
import dev.modelforge.worker.benchmark.measure.BenchmarkRequest.Mode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a measurement in child JVMs and never throws: every outcome is a {@link BenchmarkResult}.
 *
 * <p>Why children: the worker's own heap, threads and JIT would pollute both the peak-memory number and
 * the timings, and a model that crashes the runtime or exhausts memory must not take the worker down.
 * First a memory child loads and runs only the variant (its VmHWM is the model's footprint, the profile's
 * memory limit is enforced there); then a measuring child does accuracy, latency and throughput; then,
 * with a baseline, {@code pairedProcesses} fresh children each run the interleaved comparison, pooled by
 * {@link PairedBenchmark#combine}. Both run under {@code taskset} on the profile's core count when it is smaller than
 * the machine's, so ORT's thread pools see exactly the profile's cores. The parent only orchestrates,
 * enforces the timeout, and parses the one JSON line each child prints.
 */
public final class BenchmarkRunner {

    private final ChildJvm jvm;
    private final Duration timeout;
    private final String workerVersion;

    /**
     * How to start a child JVM.
     *
     * @param javaBin        java executable
     * @param classpath      classpath holding this module and its dependencies
     * @param memoryHeapMb   -Xmx of the memory child (inputs only live on the heap; weights are native)
     * @param measureHeapMb  -Xmx of the measuring child (holds the evaluation set)
     */
    public record ChildJvm(Path javaBin, String classpath, int memoryHeapMb, int measureHeapMb) {

        /**
         * The running JVM's java and classpath. Works under surefire's manifest-only jar; for a Quarkus
         * fast-jar ({@code quarkus-run.jar} loads the rest through its own class loader) the classpath is
         * rebuilt from the application's {@code app/} and {@code lib/} jars.
         *
         * @return child JVM settings
         */
        public static ChildJvm current() {
            String cp = System.getProperty("java.class.path");
            Path single = Path.of(cp);
            if (single.getFileName() != null && single.getFileName().toString().equals("quarkus-run.jar")) {
                cp = quarkusClasspath(single.toAbsolutePath().getParent());
            }
            return new ChildJvm(Path.of(System.getProperty("java.home"), "bin", "java"), cp, 128, 512);
        }

        private static String quarkusClasspath(Path appDir) {
            List<String> jars = new ArrayList<>();
            for (String sub : List.of("app", "lib/boot", "lib/main")) {
                try (var s = Files.list(appDir.resolve(sub))) {
                    s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> jars.add(p.toString()));
                } catch (IOException e) {
                    // layout without this folder
                }
            }
            return String.join(java.io.File.pathSeparator, jars);
        }
    }

    /**
     * @param jvm           child JVM settings
     * @param timeout       limit per child process; exceeded → failed result with reason TIMEOUT
     * @param workerVersion version recorded in fingerprints
     */
    public BenchmarkRunner(ChildJvm jvm, Duration timeout, String workerVersion) {
        this.jvm = jvm;
        this.timeout = timeout;
        this.workerVersion = workerVersion;
    }

    /**
     * Memory first (cheap, and a model over the limit needs no timing), then the full measurement.
     *
     * @param request what to measure
     * @return the merged result, or the first failure
     */
    public BenchmarkResult run(BenchmarkRequest request) {
        BenchmarkResult memory = probeMemory(request);
        if (memory.status() != BenchmarkStatus.OK) {
            return memory;
        }
        BenchmarkResult m = runChild(Mode.MEASURE, request, jvm.measureHeapMb()).result();
        if (m.status() != BenchmarkStatus.OK) {
            return m;
        }
        LatencyComparison comparison = null;
        if (request.baseline() != null) {
            List<PairedRun> runs = new ArrayList<>();
            for (int i = 0; i < request.plan().pairedProcesses(); i++) {
                ChildOutput out = runChild(Mode.PAIRED, request, jvm.measureHeapMb());
                if (out.result().status() != BenchmarkStatus.OK || out.paired() == null) {
                    return out.result();
                }
                runs.add(out.paired());
            }
            comparison = PairedBenchmark.combine(runs, request.baselineVariantId(), request.plan());
        }
        List<String> notes = new ArrayList<>(m.notes());
        notes.addAll(memory.notes());
        return new BenchmarkResult(null, null, null, BenchmarkStatus.OK, null, null, m.emulated(), m.sizeBytes(),
                m.loadMillis(), m.latency(), m.throughput(), memory.peakRssMb(), memory.baseRssMb(), m.accuracy(),
                comparison, m.fingerprint(), notes, m.measuredAt());
    }

    /**
     * Peak resident memory of a process that only loads and runs the variant.
     *
     * @param request what to measure (baseline and eval set are not used)
     * @return a result with only the memory fields, or a failure
     */
    public BenchmarkResult probeMemory(BenchmarkRequest request) {
        return runChild(Mode.MEMORY, request, jvm.memoryHeapMb()).result();
    }

    ChildOutput runChild(Mode mode, BenchmarkRequest r, int heapMb) {
        Path taskFile = null;
        Path errFile = null;
        try {
            taskFile = ScratchDirs.createFile("modelforge-bench-task-", ".json");
            errFile = ScratchDirs.createFile("modelforge-bench-child-", ".log");
            ChildTask task = new ChildTask(mode, r.model().toString(), str(r.baseline()), r.baselineVariantId(),
                    str(r.eval()), r.settings(), r.plan(), r.target(), workerVersion);
            Files.writeString(taskFile, ChildJson.MAPPER.writeValueAsString(task));
            ProcessBuilder pb = new ProcessBuilder(command(r.settings(), heapMb, taskFile));
            ChildEnvironment.scrub(pb.environment());
            pb.redirectError(errFile.toFile());
            Process p = pb.start();
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> resultLine(p));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return failed(FailureReason.TIMEOUT, mode.name().toLowerCase() + " run exceeded "
                        + timeout.toSeconds() + " s and was killed");
            }
            String json = line.get(10, TimeUnit.SECONDS);
            if (json != null) {
                return ChildJson.MAPPER.readValue(json, ChildOutput.class);
            }
            String tail = tail(errFile);
            int code = p.exitValue();
            if (code == 137 || tail.contains("OutOfMemoryError")) {
                return failed(FailureReason.OUT_OF_MEMORY, "measuring process died (exit " + code
                        + ", killed by the OS or out of memory): " + tail);
            }
            return failed(FailureReason.RUNTIME_ERROR, "measuring process exited with code " + code
                    + " without a result: " + tail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(FailureReason.RUNTIME_ERROR, "interrupted while measuring");
        } catch (Exception e) {
            return failed(FailureReason.RUNTIME_ERROR, "cannot run measuring process: " + e);
        } finally {
            deleteQuietly(taskFile);
            deleteQuietly(errFile);
        }
    }

    List<String> command(RuntimeSettings s, int heapMb, Path taskFile) {
        List<String> cmd = new ArrayList<>();
        List<Integer> allowed = CpuAffinity.allowedCpus();
        if (s.cores() > 0 && s.cores() < allowed.size()) {
            cmd.add("taskset");
            cmd.add("-c");
            cmd.add(CpuAffinity.cpuList(allowed.subList(0, s.cores())));
        }
        cmd.add(jvm.javaBin().toString());
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-XX:MaxDirectMemorySize=1g");
        // one GC thread: a parallel collector would compete with ORT's intra-op threads for the pinned cores
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-DOPT_OUT_TRACKING=true");
        cmd.add("-cp");
        cmd.add(jvm.classpath());
        cmd.add(MeasureChild.class.getName());
        cmd.add(taskFile.toString());
        return cmd;
    }

    private static ChildOutput failed(FailureReason reason, String detail) {
        // no fingerprint from a dead child; unknown hardware match is reported as emulated, never as a device number
        return new ChildOutput(BenchmarkResult.failed(reason, detail, null, true), null);
    }

    private static String resultLine(Process p) {
        String found = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                if (l.startsWith(ChildJson.MARKER) && found == null) {
                    found = l.substring(ChildJson.MARKER.length());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.length() > 1500 ? s.substring(s.length() - 1500) : s;
        } catch (IOException e) {
            return "";
        }
    }

    private static String str(Path p) {
        return p == null ? null : p.toAbsolutePath().toString();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
