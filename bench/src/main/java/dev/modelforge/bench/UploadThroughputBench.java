package dev.modelforge.bench;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.UploadRequest;
import dev.modelforge.api.client.UploadResult;
import dev.modelforge.localstack.LocalStack;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.http.Method;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 1 GiB ONNX upload through the registry (raw octet-stream path: hash + signature + one streamed PUT to the
 * content address) versus a raw presigned S3 PUT of the same file, on the local stack, in one run.
 * Runs alternate which goes first; the report gives medians, their ratio, and the registry's heap growth
 * read from its Prometheus endpoint while it streams.
 *
 * <p>The registry upload declares the file's SHA-256 ({@code Repr-Digest}) as the CLI does (it hashes the file
 * anyway for its default idempotency key); that client-side hash is timed separately and reported, not
 * included. {@code -Dbench.declare=false} uploads without the declaration (staging + server-side copy).
 * Each run changes 8 bytes of the weights first, so every registry upload stores new content (nothing is
 * deduplicated) and both legs of a run send the same file.
 *
 * <p>Run by hand (not a test). The registry runs as its own JVM from its built Quarkus app so its heap is
 * measured alone; system properties: {@code bench.bytes} (default 1 GiB), {@code bench.runs} (3),
 * {@code bench.registryJar}, {@code bench.registryXmx} (512m), {@code bench.registryJvmArgs} (extra JVM flags
 * for the registry only, space-separated, default none: an experiment knob, report it with the numbers),
 * {@code bench.keep} (keep the work dir), {@code bench.declare} (true), {@code bench.warmupBytes} (64 MiB; three
 * warm-up uploads of this size on each leg).
 * <pre>
 * mvn -o -q -pl registry-service -am package -DskipTests
 * mvn -o -q -pl bench -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=$PWD/bench/target/cp.txt -Dmdep.includeScope=runtime
 * java -cp "bench/target/classes:$(cat bench/target/cp.txt)" -Dbench.runs=5 dev.modelforge.bench.UploadThroughputBench
 * </pre>
 * Heap growth is the peak of {@code jvm_memory_used_bytes{area="heap"}} during the upload (sampled every
 * 100 ms) minus the value right after a forced full GC ({@code jcmd <pid> GC.run}) before it, so it includes
 * garbage not yet collected, not only live data.
 */
public final class UploadThroughputBench {
    private static final String ADMIN_KEY = "bench-admin-key-0123456789abcdefghijklmn";

    public static void main(String[] args) throws Exception {
        long sizeBytes = Long.getLong("bench.bytes", 1L << 30);
        int runs = Integer.getInteger("bench.runs", 3);
        Path registryJar = Path.of(System.getProperty("bench.registryJar",
                "registry-service/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        String registryXmx = System.getProperty("bench.registryXmx", "512m");
        boolean declare = Boolean.parseBoolean(System.getProperty("bench.declare", "true"));
        Path work = Files.createTempDirectory("modelforge-upload-bench-");
        Path model = work.resolve("big.onnx");
        writeModel(model, sizeBytes);
        System.out.printf(Locale.ROOT, "model: %s (%d bytes)%n", model, Files.size(model));

        Process registry = null;
        try (LocalStack stack = LocalStack.start(work.resolve("stack"))) {
            int port = freePort();
            registry = startRegistry(stack, registryJar, registryXmx, port, work.resolve("registry.log"));
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitReady(base, registry, work.resolve("registry.log"));
            MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint()).region("us-east-1")
                    .credentials(stack.s3AccessKey(), stack.s3SecretKey()).build();
            String bucket = stack.quarkusConfig().get("modelforge.storage.bucket");
            var client = new RegistryClient(base, ADMIN_KEY);
            // HTTP/1.1 for the raw PUT too (as RegistryClient and the registry use): the default HTTP/2 client
            // would try an h2c upgrade and could put the raw baseline under HTTP/2 flow control.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            // Warm-up: JIT and connections for both paths. 64 MiB each, not 8: with 8 MiB warm-ups the registry's
            // hot loops were still being compiled during the first 1 GiB upload, and the compiler threads competing
            // for the 2 cores stretched GC pauses until G1 doubled the young generation for that one run.
            Path small = work.resolve("small.onnx");
            writeModel(small, Long.getLong("bench.warmupBytes", 64L << 20));
            for (int i = 0; i < 3; i++) {
                markRun(small, i);
                var warm = new UploadRequest("bench-warmup", small, null, null, null, null);
                client.upload(declare ? warm.withSha256(sha256(small)) : warm, (s, t) -> { });
                rawPut(http, s3, bucket, "bench/warmup", small);
            }

            List<Double> rawSeconds = new ArrayList<>();
            List<Double> registrySeconds = new ArrayList<>();
            List<Long> heapGrowth = new ArrayList<>();
            List<Double> hashSeconds = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                markRun(model, run);
                long h0 = System.nanoTime();
                String sha = sha256(model);
                hashSeconds.add((System.nanoTime() - h0) / 1e9);
                for (int leg = 0; leg < 2; leg++) {
                    boolean registryLeg = (run + leg) % 2 == 0;
                    if (registryLeg) {
                        forceGc(registry.pid());
                        long before = heapUsed(http, base);
                        var peak = new AtomicLong(before);
                        var sampling = new AtomicBoolean(true);
                        Thread sampler = new Thread(() -> {
                            while (sampling.get()) {
                                try {
                                    peak.accumulateAndGet(heapUsed(http, base), Math::max);
                                    Thread.sleep(100);
                                } catch (Exception e) {
                                    return;
                                }
                            }
                        });
                        sampler.start();
                        long t0 = System.nanoTime();
                        var request = new UploadRequest("bench-big", model, null, null, null, null);
                        UploadResult r = client.upload(declare ? request.withSha256(sha) : request, (s, t) -> { });
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        sampling.set(false);
                        sampler.join();
                        registrySeconds.add(seconds);
                        heapGrowth.add(peak.get() - before);
                        System.out.printf(Locale.ROOT, "run %d registry: %.2f s (%.1f MiB/s) version %d, heap +%.1f MiB%n",
                                run, seconds, mib(sizeBytes) / seconds, r.version().version(), mib(peak.get() - before));
                        if (!r.version().artifact().sha256().equals(sha) || !r.created()) {
                            throw new IllegalStateException("registry stored " + r.version().artifact().sha256()
                                    + " (created " + r.created() + "), expected new content " + sha);
                        }
                        // Only to save disk: every run uploads different bytes anyway.
                        s3.removeObject(RemoveObjectArgs.builder().bucket(bucket)
                                .object("sha256/" + r.version().artifact().sha256()).build());
                    } else {
                        double seconds = rawPut(http, s3, bucket, "bench/raw", model);
                        rawSeconds.add(seconds);
                        System.out.printf(Locale.ROOT, "run %d raw S3 PUT: %.2f s (%.1f MiB/s)%n",
                                run, seconds, mib(sizeBytes) / seconds);
                        s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object("bench/raw").build());
                    }
                }
            }
            double raw = median(rawSeconds);
            double reg = median(registrySeconds);
            System.out.printf(Locale.ROOT, "%nRESULT size=%d MiB runs=%d declared digest=%s%n", sizeBytes >> 20, runs,
                    declare);
            System.out.printf(Locale.ROOT, "raw S3 PUT median:     %.2f s  %.1f MiB/s%n", raw, mib(sizeBytes) / raw);
            System.out.printf(Locale.ROOT, "registry upload median: %.2f s  %.1f MiB/s%n", reg, mib(sizeBytes) / reg);
            System.out.printf(Locale.ROOT, "registry/raw throughput: %.0f%% (target >= 70%%)%n", 100 * raw / reg);
            System.out.printf(Locale.ROOT, "registry heap growth: max %.1f MiB (target <= 64 MiB; registry -Xmx%s %s)%n",
                    mib(Collections.max(heapGrowth)), registryXmx, System.getProperty("bench.registryJvmArgs", ""));
            if (declare) {
                double hash = median(hashSeconds);
                System.out.printf(Locale.ROOT, "client-side SHA-256 of the file (not timed above; the CLI does it anyway "
                        + "for its idempotency key): median %.2f s; counting it: %.0f%% of raw%n", hash,
                        100 * raw / (reg + hash));
            }
        } finally {
            if (registry != null) {
                registry.destroy();
                registry.waitFor();
            }
            if (Boolean.getBoolean("bench.keep")) {
                System.out.println("kept " + work);
            } else {
                deleteRecursively(work);
            }
        }
        System.exit(0); // the MinIO client's OkHttp dispatcher thread would keep the JVM alive for minutes
    }

    /**
     * A valid ONNX model ({@code y = x + W}) whose weight W holds {@code weightBytes} of random floats, written
     * as protobuf wire format by hand so a 1 GiB model never has to exist in memory.
     */
    static void writeModel(Path file, long weightBytes) throws IOException {
        long n = weightBytes / 4;
        var floatType = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setShape(OnnxMl.TensorShapeProto.newBuilder().addDim(
                        OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(n)))).build();
        byte[] tensorHead = OnnxMl.TensorProto.newBuilder().addDims(n).setName("W")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).build().toByteArray();
        long rawLen = n * 4;
        long tensorLen = tensorHead.length + tagSize(OnnxMl.TensorProto.RAW_DATA_FIELD_NUMBER) + varintSize(rawLen) + rawLen;
        byte[] graphHead = OnnxMl.GraphProto.newBuilder().setName("upload-bench")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("W").addOutput("y"))
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(floatType))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(floatType)).build().toByteArray();
        long graphLen = graphHead.length + tagSize(OnnxMl.GraphProto.INITIALIZER_FIELD_NUMBER) + varintSize(tensorLen)
                + tensorLen;
        byte[] modelHead = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("modelforge-bench")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build().toByteArray();
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
            out.writeRawBytes(modelHead);
            out.writeTag(OnnxMl.ModelProto.GRAPH_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(graphLen);
            out.writeRawBytes(graphHead);
            out.writeTag(OnnxMl.GraphProto.INITIALIZER_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(tensorLen);
            out.writeRawBytes(tensorHead);
            out.writeTag(OnnxMl.TensorProto.RAW_DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(rawLen);
            byte[] block = new byte[1 << 20];
            var random = new SplittableRandom(42);
            for (long left = rawLen; left > 0; ) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (v >>> (8 * b));
                    }
                }
                int chunk = (int) Math.min(block.length, left);
                out.writeRawBytes(block, 0, chunk);
                left -= chunk;
            }
            out.flush();
        }
    }

    /** Writes the run number into the last 8 weight bytes, so each run's file is new content. */
    static void markRun(Path file, int run) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            var b = java.nio.ByteBuffer.allocate(8).putLong(0, System.nanoTime() ^ ((long) run << 56));
            ch.write(b, ch.size() - 8);
        }
    }

    static String sha256(Path file) throws Exception {
        var digest = java.security.MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        try (var in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** A full GC in the registry, so the heap baseline holds live data only. */
    private static void forceGc(long pid) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " GC.run failed");
        }
        Thread.sleep(200);
    }

    private static int tagSize(int field) {
        return CodedOutputStream.computeTagSize(field);
    }

    private static int varintSize(long v) {
        return CodedOutputStream.computeUInt64SizeNoTag(v);
    }

    private static double rawPut(HttpClient http, MinioClient s3, String bucket, String key, Path file) throws Exception {
        String url = s3.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.PUT)
                .bucket(bucket).object(key).expiry(3600).build());
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.statusCode() != 200) {
            throw new IllegalStateException("raw PUT failed: " + r.statusCode() + " " + r.body());
        }
        return seconds;
    }

    private static Process startRegistry(LocalStack stack, Path jar, String xmx, int port, Path log) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: build registry-service first (mvn -o -q -pl registry-service -am package -DskipTests)");
        }
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx));
        String extra = System.getProperty("bench.registryJvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        var pb = new ProcessBuilder(command);
        pb.environment().putAll(stack.serviceEnvironment());
        pb.environment().put("MODELFORGE_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY);
        pb.environment().put("MODELFORGE_UPLOAD_MAX_SIZE", "8G");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    private static void awaitReady(URI base, Process registry, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            if (!registry.isAlive()) {
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException("registry exited with " + registry.exitValue() + ":\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("registry not ready after 4 minutes");
    }

    /** Sum of the registry's heap pools, from its Prometheus endpoint. */
    static long heapUsed(HttpClient http, URI base) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) sum;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
