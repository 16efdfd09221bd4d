package dev.modelforge.bench;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.Hardware;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.profile.RuntimeSettings;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.cli.Main;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.localstack.PackagedApps;
import dev.modelforge.worker.compression.it.ServiceProcess;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 14's bench for models over 2 GB: a model directory of {@code bench.bytes} (default 3 GiB) of fp32 MatMul
 * weights in external-data files, generated on disk here (streamed, never in memory), uploaded with the CLI
 * ({@code modelforge upload DIR}: one tar stream) to a registry running with {@code -Xmx64m}, compressed by a
 * compression worker with int8-dynamic and int4-weight-only (unless {@code bench.compress=false}), and every variant
 * downloaded again with the CLI (each file sha256-verified). The registry's heap is sampled from its Prometheus
 * endpoint every 100 ms throughout; the run fails if the registry dies.
 *
 * <p>Run by hand (not a test), from the repository root:
 * <pre>
 * mvn -o -q -pl registry-service,compression-worker,bench -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=runtime
 * java -cp "bench/target/classes:$(cat /tmp/cp.txt)" dev.modelforge.bench.DirectoryModelBench
 * </pre>
 * Properties: {@code bench.bytes} (3 GiB), {@code bench.registryXmx} (64m), {@code bench.workerXmx} (6g),
 * {@code bench.compress} (true), {@code bench.timeout} (90m for the compression jobs), {@code bench.keep}.
 */
public final class DirectoryModelBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "bench-admin-key-0123456789abcdefghijklmn";
    private static final int DIM = 4096;
    private static final long LAYER_BYTES = (long) DIM * DIM * 4;
    private static final long FILE_BYTES = 1L << 30;
    private static final String MODEL = "bench-directory";
    private static final String PROFILE = "bench-dir";

    private DirectoryModelBench() {
    }

    public static void main(String[] args) throws Exception {
        long bytes = Long.getLong("bench.bytes", 3L << 30);
        String registryXmx = System.getProperty("bench.registryXmx", "64m");
        boolean compress = Boolean.parseBoolean(System.getProperty("bench.compress", "true"));
        Duration timeout = Duration.parse("PT" + System.getProperty("bench.timeout", "90m").toUpperCase(Locale.ROOT));
        System.setProperty("modelforge.root", ".");
        Path work = Files.createTempDirectory("directory-bench-");
        Path registryJar = PackagedApps.quarkusJar("registry-service");
        int port = BenchRegistry.freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        Process registry = null;
        ServiceProcess worker = null;
        try (LocalStack stack = LocalStack.start(work.resolve("stack"))) {
            registry = BenchRegistry.startRegistry(stack, registryJar, registryXmx, port, work.resolve("registry.log"),
                    ADMIN_KEY);
            BenchRegistry.awaitReady(base, registry, work.resolve("registry.log"));
            RegistryClient admin = new RegistryClient(base, ADMIN_KEY);
            for (DeviceProfile p : admin.listProfiles()) {
                admin.deleteProfile(p.name());
            }
            if (compress) {
                admin.putProfile(PROFILE, new DeviceProfile(PROFILE, "directory bench", true,
                        new Hardware("x86_64", 2, 16384, List.of(), null), new RuntimeSettings("cpu", 1, 1, "all"),
                        null, List.of(RecipeRef.of("int8-dynamic"), RecipeRef.of("int4-weight-only")),
                        JSON.valueToTree(Map.of("constraints", Map.of(), "objectives", List.of("size"))), null, null));
                Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
                env.put("MODELFORGE_REGISTRY_URL", base.toString());
                env.put("MODELFORGE_WORKER_API_KEY",
                        admin.createApiKey(new CreateApiKeyRequest("bench-worker", Role.WORKER)).secret());
                env.put("MODELFORGE_WORKER_ID", "bench-worker");
                worker = ServiceProcess.start("compression-worker", PackagedApps.quarkusJar("compression-worker"),
                        env, ServiceProcess.freePort(), work, System.getProperty("bench.workerXmx", "6g"));
            }

            long t0 = System.nanoTime();
            Path dir = generate(work.resolve("model"), bytes);
            System.out.printf(Locale.ROOT, "generated %s: %.2f GiB in %d files, %.1f s%n", dir, bytes / (double) (1L << 30),
                    Files.list(dir).count(), (System.nanoTime() - t0) / 1e9);

            HeapSampler heap = new HeapSampler(base);
            heap.start();
            t0 = System.nanoTime();
            JsonNode up = cli(base, "upload", dir.toString(), "--model", MODEL, "--json", "--no-progress");
            double uploadSeconds = (System.nanoTime() - t0) / 1e9;
            long uploadPeak = heap.peakAndReset();
            int version = up.path("version").path("version").asInt();
            System.out.printf(Locale.ROOT, "upload: %.1f s (%.1f MiB/s), version %d, registry heap peak %.1f MiB%n",
                    uploadSeconds, bytes / uploadSeconds / (1 << 20), version, mib(uploadPeak));

            List<String> rows = new ArrayList<>();
            if (compress) {
                List<CompressionJob> jobs = awaitJobs(admin, version, timeout, registry);
                for (CompressionJob j : jobs) {
                    rows.add(String.format(Locale.ROOT, "| %s | %s | %s |", j.recipe().label(), j.status(),
                            j.startedAt() == null || j.finishedAt() == null ? "-" : String.format(Locale.ROOT, "%.0f s",
                                    Duration.between(j.startedAt(), j.finishedAt()).toMillis() / 1000.0)
                                    + (j.error() == null ? "" : " (" + j.error() + ")")));
                }
            }
            long compressPeak = heap.peakAndReset();
            for (Variant v : admin.listVariants(MODEL, version)) {
                t0 = System.nanoTime();
                JsonNode saved = cli(base, "variants", MODEL, Integer.toString(version), "--download", v.id(),
                        work.resolve("download-" + v.recipe().label()).toString(), "--json", "--no-progress");
                double s = (System.nanoTime() - t0) / 1e9;
                Path to = Path.of(saved.path("downloadedTo").asText());
                long size = Files.isDirectory(to) ? dirBytes(to) : Files.size(to);
                System.out.printf(Locale.ROOT, "download %s: %.2f GiB (%.3fx) in %.1f s, verified%n", v.recipe().label(),
                        size / (double) (1L << 30), size / (double) bytes, s);
                deleteTree(to);
            }
            long downloadPeak = heap.peakAndReset();
            heap.stop();
            if (!registry.isAlive()) {
                throw new IllegalStateException("the registry died; see " + work.resolve("registry.log"));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "registry -Xmx%s, heap peak: upload %.1f MiB, compression %.1f MiB, "
                    + "downloads %.1f MiB%n", registryXmx, mib(uploadPeak), mib(compressPeak), mib(downloadPeak));
            if (!rows.isEmpty()) {
                System.out.println("| recipe | job | time |");
                System.out.println("|---|---|---|");
                rows.forEach(System.out::println);
            }
        } finally {
            if (worker != null) {
                worker.close();
            }
            if (registry != null) {
                registry.destroy();
                registry.waitFor();
            }
            if (!Boolean.getBoolean("bench.keep")) {
                deleteTree(work);
            }
        }
    }

    /**
     * X [1, DIM] into parallel MatMuls of [DIM, DIM] fp32 weights (until {@code bytes}) whose outputs are summed: wide,
     * not deep, because 48 chained random matrices compound 4-bit rounding error past any validation gate (a first
     * run measured output cosine 0.84 for int4 that way); weights in 1 GiB files
     * {@code weights-N.bin}, written in chunks (the graph itself is a few KiB).
     */
    static Path generate(Path dir, long bytes) throws Exception {
        Files.createDirectories(dir);
        int layers = (int) Math.max(1, bytes / LAYER_BYTES);
        var g = OnnxMl.GraphProto.newBuilder().setName("bench-directory");
        g.addInput(value("X")).addOutput(value("Y"));
        ByteBuffer chunk = ByteBuffer.allocateDirect(DIM * 4 * 64).order(ByteOrder.LITTLE_ENDIAN);
        java.util.Random random = new java.util.Random(14);
        FileChannel ch = null;
        int fileIndex = -1;
        long offset = 0;
        try {
            for (int i = 0; i < layers; i++) {
                if (ch == null || offset + LAYER_BYTES > FILE_BYTES) {
                    if (ch != null) {
                        ch.close();
                    }
                    fileIndex++;
                    ch = FileChannel.open(dir.resolve("weights-" + fileIndex + ".bin"), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    offset = 0;
                }
                for (long written = 0; written < LAYER_BYTES; written += chunk.capacity()) {
                    chunk.clear();
                    while (chunk.hasRemaining()) {
                        chunk.putFloat((float) (random.nextGaussian() * 0.02));
                    }
                    chunk.flip();
                    while (chunk.hasRemaining()) {
                        ch.write(chunk);
                    }
                }
                String w = "W" + i;
                g.addInitializer(OnnxMl.TensorProto.newBuilder().setName(w).addDims(DIM).addDims(DIM)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "weights-" + fileIndex + ".bin"))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(LAYER_BYTES))));
                g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm" + i)
                        .addInput("X").addInput(w).addOutput("h" + i));
                offset += LAYER_BYTES;
            }
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
        var sum = OnnxMl.NodeProto.newBuilder().setOpType("Sum").setName("sum").addOutput("Y");
        for (int i = 0; i < layers; i++) {
            sum.addInput("h" + i);
        }
        g.addNode(sum);
        var model = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("modelforge-bench")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
        try (OutputStream out = Files.newOutputStream(dir.resolve("model.onnx"))) {
            model.writeTo(out);
        }
        return dir;
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static OnnxMl.ValueInfoProto value(String name) {
        var shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(DIM));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static List<CompressionJob> awaitJobs(RegistryClient admin, int version, Duration timeout, Process registry)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<CompressionJob> jobs = admin.listJobs(MODEL, version);
            if (!jobs.isEmpty() && jobs.stream().allMatch(j -> j.status() == JobStatus.SUCCEEDED
                    || j.status() == JobStatus.FAILED || j.status() == JobStatus.DEAD)) {
                return jobs;
            }
            if (System.nanoTime() > deadline || !registry.isAlive()) {
                throw new IllegalStateException("compression jobs not finished: " + jobs);
            }
            Thread.sleep(2000);
        }
    }

    private static JsonNode cli(URI base, String... args) throws Exception {
        String[] full = java.util.Arrays.copyOf(args, args.length + 4);
        full[args.length] = "--url";
        full[args.length + 1] = base.toString();
        full[args.length + 2] = "--api-key";
        full[args.length + 3] = ADMIN_KEY;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        if (code != 0) {
            throw new IllegalStateException("modelforge " + String.join(" ", args) + " exited " + code + ": " + out + err);
        }
        return JSON.readTree(out.toString());
    }

    private static long dirBytes(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            long n = 0;
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                n += Files.size(p);
            }
            return n;
        }
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }

    /** Samples the registry's used heap every 100 ms from its Prometheus endpoint. */
    private static final class HeapSampler {
        private final URI base;
        private final HttpClient http = HttpClient.newHttpClient();
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        HeapSampler(URI base) {
            this.base = base;
        }

        void start() {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        peak.accumulateAndGet(heapUsed(), Math::max);
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the registry is busy or gone; the caller checks it is alive
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** Sum of the heap pools from the registry's Prometheus endpoint (any API key may read it). */
        private long heapUsed() throws Exception {
            String metrics = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/q/metrics"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            if (sum == 0) {
                throw new IllegalStateException("no heap figures in /q/metrics");
            }
            return (long) sum;
        }

        long peakAndReset() {
            return peak.getAndSet(0);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
