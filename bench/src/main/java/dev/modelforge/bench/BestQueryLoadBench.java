package dev.modelforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.localstack.LocalStack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency of {@code GET /api/v1/models/{name}/best?device=...} under an open-loop load: requests are sent at a fixed
 * arrival rate whatever the server does, and each latency is measured from the request's <em>scheduled</em> send time,
 * so a slow server shows up as queueing instead of being hidden by a client that waits (coordinated omission).
 *
 * <p>Starts the local stack and the registry jar as its own JVM, uploads a tiny model, promotes its baseline on
 * {@code x86-server} by hand (no workers needed), warms up, then measures. System properties: {@code bench.rate}
 * (requests/s, 500), {@code bench.seconds} (20), {@code bench.warmupSeconds} (5), {@code bench.registryJar},
 * {@code bench.registryXmx} (256m), {@code bench.byDevice} (true: also a run with a device description).
 */
public final class BestQueryLoadBench {
    private static final String ADMIN_KEY = "bench-admin-key-0123456789abcdefghijklmn";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int rate = Integer.getInteger("bench.rate", 500);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int warmup = Integer.getInteger("bench.warmupSeconds", 5);
        Path jar = Path.of(System.getProperty("bench.registryJar",
                "registry-service/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        Path work = Files.createTempDirectory("modelforge-best-bench-");
        Process registry = null;
        try (LocalStack stack = LocalStack.start(work.resolve("stack"))) {
            int port = freePort();
            registry = startRegistry(stack, jar,
                    System.getProperty("bench.registryXmx", "256m"), port, work.resolve("registry.log"), ADMIN_KEY);
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitReady(base, registry, work.resolve("registry.log"));
            // HTTP/1.1: the JDK client would otherwise try an h2c upgrade on every new connection.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(4))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String readerKey = setUp(http, base, work);

            URI byProfile = base.resolve("/api/v1/models/bench-best/best?device=x86-server");
            System.out.printf(Locale.ROOT, "open loop, %d req/s, warm-up %d s, measure %d s, registry -Xmx%s%n", rate,
                    warmup, seconds, System.getProperty("bench.registryXmx", "256m"));
            // A cold registry (JIT, connection pools) at full rate builds a backlog that opens hundreds of connections;
            // ramp up first so the measured phase starts from a warm steady state.
            run(http, byProfile, readerKey, Math.max(1, rate / 5), warmup, false);
            run(http, byProfile, readerKey, rate, warmup, false);
            report("best?device=x86-server", run(http, byProfile, readerKey, rate, seconds, true));
            if (Boolean.parseBoolean(System.getProperty("bench.byDevice", "true"))) {
                URI byDevice = base.resolve("/api/v1/models/bench-best/best?arch=x86_64&cores=8&memoryMb=16384"
                        + "&isa=avx2,avx512,avx512-vnni,vnni,f16c");
                run(http, byDevice, readerKey, rate, warmup, false);
                report("best?arch=x86_64&cores=8&...", run(http, byDevice, readerKey, rate, seconds, true));
            }
        } finally {
            if (registry != null) {
                registry.destroy();
                registry.waitFor();
            }
        }
    }

    /** Uploads a model, promotes its baseline on x86-server, returns a reader key. */
    private static String setUp(HttpClient http, URI base, Path work) throws Exception {
        Path model = work.resolve("tiny.onnx");
        UploadThroughputBench.writeModel(model, 4096);
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models/bench-best/versions"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(model)).build(), HttpResponse.BodyHandlers.ofString());
        check(up, 201);
        JsonNode variants = JSON.readTree(check(http.send(get(base, "/api/v1/models/bench-best/versions/1/variants",
                ADMIN_KEY), HttpResponse.BodyHandlers.ofString()), 200));
        String baseline = variants.get(0).get("id").asText();
        check(http.send(post(base, "/api/v1/models/bench-best/promotions", ADMIN_KEY,
                "{\"device\":\"x86-server\",\"variantId\":\"" + baseline + "\",\"reason\":\"load bench\"}"),
                HttpResponse.BodyHandlers.ofString()), 201);
        JsonNode key = JSON.readTree(check(http.send(post(base, "/api/v1/api-keys", ADMIN_KEY,
                "{\"name\":\"bench-reader\",\"role\":\"reader\"}"), HttpResponse.BodyHandlers.ofString()), 201));
        return key.get("secret").asText();
    }

    private record Run(long[] latenciesNanos, int errors, double seconds, int sent) {
    }

    private static Run run(HttpClient http, URI uri, String key, int rate, int seconds, boolean measure)
            throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        java.util.Map<String, AtomicInteger> kinds = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<?>> inFlight = new ArrayList<>(total);
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(10)).GET().build();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int slot = i;
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((r, e) -> {
                latencies[slot] = System.nanoTime() - scheduled;
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                    Throwable cause = e != null && e.getCause() != null ? e.getCause() : e;
                    String kind = e != null ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
                            : "HTTP " + r.statusCode();
                    kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (measure && !kinds.isEmpty()) {
            System.out.println("errors by kind: " + kinds);
        }
        return new Run(latencies, errors.get(), elapsed, total);
    }

    private static void report(String what, Run run) {
        long[] sorted = run.latenciesNanos().clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s: %d requests in %.1f s (%.0f/s), %d errors; latency ms p50 %.2f  p90 %.2f  "
                        + "p99 %.2f  p99.9 %.2f  max %.2f%n", what, run.sent(), run.seconds(), run.sent() / run.seconds(),
                run.errors(), ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 0.999),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static HttpRequest get(URI base, String path, String key) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    private static HttpRequest post(URI base, String path, String key, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    static Process startRegistry(LocalStack stack, Path jar, String xmx, int port, Path log, String adminKey)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: mvn -o -q -pl registry-service -am install -DskipTests");
        }
        var pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-jar", jar.toString());
        pb.environment().putAll(stack.serviceEnvironment());
        pb.environment().put("MODELFORGE_BOOTSTRAP_ADMIN_KEY", adminKey);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    static void awaitReady(URI base, Process registry, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            if (!registry.isAlive()) {
                throw new IllegalStateException("registry exited with " + registry.exitValue() + "; see " + log);
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
        throw new IllegalStateException("registry not ready after 4 minutes; see " + log);
    }

    static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String check(HttpResponse<String> r, int expected) throws IOException {
        if (r.statusCode() != expected) {
            throw new IOException(r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
