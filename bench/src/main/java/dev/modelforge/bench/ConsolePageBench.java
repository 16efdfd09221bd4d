package dev.modelforge.bench;

import dev.modelforge.localstack.LocalStack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Time per page of the web console (issue 17: p95 <= 50 ms with 20 models x 10 versions). Starts the local stack and
 * the registry jar as its own JVM, uploads {@code bench.models} models of {@code bench.versions} versions each (no
 * workers: every version keeps its queued jobs, as a busy registry would), promotes each model's latest baseline on
 * x86-server by hand, signs in through the console's form, then requests each page one after another (closed loop,
 * one client) and reports percentiles of the full round trip on loopback, an upper bound of the server's time.
 * System properties: {@code bench.models} (20), {@code bench.versions} (10), {@code bench.seedThreads} (3),
 * {@code bench.requests} (200 per page),
 * {@code bench.warmup} (50 per page), {@code bench.registryJar}, {@code bench.registryXmx} (256m).
 */
public final class ConsolePageBench {
    private static final String ADMIN_KEY = "console-bench-admin-key-0123456789abcdef"; // the registry wants >= 32 characters

    public static void main(String[] args) throws Exception {
        int models = Integer.getInteger("bench.models", 20);
        int versions = Integer.getInteger("bench.versions", 10);
        int requests = Integer.getInteger("bench.requests", 200);
        int warmup = Integer.getInteger("bench.warmup", 50);
        Path jar = Path.of(System.getProperty("bench.registryJar",
                "registry-service/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        Path work = Files.createTempDirectory("modelforge-console-bench-");
        Process registry = null;
        try (LocalStack stack = LocalStack.start(work.resolve("stack"))) {
            int port = BenchRegistry.freePort();
            registry = BenchRegistry.startRegistry(stack, jar, System.getProperty("bench.registryXmx", "256m"),
                    port, work.resolve("registry.log"), ADMIN_KEY);
            URI base = URI.create("http://127.0.0.1:" + port);
            BenchRegistry.awaitReady(base, registry, work.resolve("registry.log"));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
            awaitKey(http, base);
            long seeded = System.nanoTime();
            seed(http, base, work, models, versions);
            System.out.printf(Locale.ROOT, "seeded %d models x %d versions in %.0f s%n", models, versions,
                    (System.nanoTime() - seeded) / 1e9);
            String cookie = signIn(http, base);
            String model = "bench-ui-07";
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("models list  /ui", "/ui");
            pages.put("model page   /ui/models/{m}", "/ui/models/" + model);
            pages.put("version page /ui/models/{m}/versions/{n}", "/ui/models/" + model + "/versions/" + versions);
            pages.put("profiles     /ui/profiles", "/ui/profiles");
            pages.put("profile      /ui/profiles/x86-server", "/ui/profiles/x86-server");
            for (var page : pages.entrySet()) {
                HttpRequest request = HttpRequest.newBuilder(base.resolve(page.getValue())).header("Cookie", cookie)
                        .timeout(Duration.ofSeconds(30)).GET().build();
                for (int i = 0; i < warmup; i++) {
                    fetch(http, request);
                }
                long[] nanos = new long[requests];
                for (int i = 0; i < requests; i++) {
                    long t = System.nanoTime();
                    fetch(http, request);
                    nanos[i] = System.nanoTime() - t;
                }
                Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "%-45s %4d requests  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n",
                        page.getKey(), requests, ms(nanos, 0.50), ms(nanos, 0.95), ms(nanos, 0.99),
                        nanos[nanos.length - 1] / 1e6);
            }
        } finally {
            if (registry != null) {
                registry.destroy();
                registry.waitFor();
            }
        }
    }

    /**
     * Seeds the models {@code bench.seedThreads} (3) at a time, each model's versions in order: one upload after
     * another took most of the run (200 uploads) on a loaded machine, and the pages are measured after, not during.
     */
    private static void seed(HttpClient http, URI base, Path work, int models, int versions) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("bench.seedThreads", 3));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int m = 0; m < models; m++) {
                int model = m;
                done.add(pool.submit(() -> {
                    seedModel(http, base, work, model, versions);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void seedModel(HttpClient http, URI base, Path work, int m, int versions) throws Exception {
        String name = String.format(Locale.ROOT, "bench-ui-%02d", m);
        Path file = work.resolve(name + ".onnx");
        for (int v = 1; v <= versions; v++) {
            UploadThroughputBench.writeModel(file, 4096 + 16L * (m * versions + v)); // distinct bytes per version
            HttpRequest upload = HttpRequest.newBuilder(base.resolve("/api/v1/models/" + name
                            + "/versions?allowSignatureChange=true"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
            HttpResponse<String> r = http.send(upload, HttpResponse.BodyHandlers.ofString());
            // 503 is the registry's "retry later" (object storage slow to answer on a loaded machine); nothing was kept
            for (int attempt = 1; r.statusCode() == 503 && attempt <= 5; attempt++) {
                Thread.sleep(1000L * attempt);
                r = http.send(upload, HttpResponse.BodyHandlers.ofString());
            }
            BenchRegistry.check(r, 201);
        }
        String variants = BenchRegistry.check(http.send(HttpRequest.newBuilder(
                base.resolve("/api/v1/models/" + name + "/versions/" + versions + "/variants"))
                .header("Authorization", "Bearer " + ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString()), 200);
        String baseline = variants.replaceAll("(?s)^.*?\"id\"\\s*:\\s*\"([^\"]+)\".*$", "$1");
        BenchRegistry.check(http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models/" + name + "/promotions"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"x86-server\",\"variantId\":\"" + baseline
                        + "\",\"reason\":\"console bench\"}")).build(), HttpResponse.BodyHandlers.ofString()), 201);
    }

    /**
     * The bootstrap key can answer 401 for a moment after the registry reports ready (the key table is re-read by its
     * poller after the key's commit), so wait until it is accepted rather than fail the whole run.
     */
    private static void awaitKey(HttpClient http, URI base) throws Exception {
        HttpRequest probe = HttpRequest.newBuilder(base.resolve("/api/v1/models"))
                .header("Authorization", "Bearer " + ADMIN_KEY).GET().build();
        for (int i = 0; i < 100; i++) {
            if (http.send(probe, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the bootstrap admin key was not accepted within 10 s");
    }

    private static String signIn(HttpClient http, URI base) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/ui/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("apiKey=" + URLEncoder.encode(ADMIN_KEY, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 303) {
            throw new IllegalStateException("sign-in answered " + r.statusCode());
        }
        return r.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private static void fetch(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + r.statusCode());
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
