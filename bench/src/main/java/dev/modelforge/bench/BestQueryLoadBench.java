package dev.modelforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The fleet read path under load: {@code GET /api/v1/models/{name}/best} of a stack brought up exactly as
 * {@code ./modelforge up} brings it up (registry, compression worker, benchmark worker, PostgreSQL, Kafka, S3), with an
 * open-loop generator ({@link OpenLoop}) at each rate of {@code bench.rates} (500,1000,2000 req/s): by profile, by
 * device description, conditional (If-None-Match, mostly 304), conditional while a promotion invalidates the answer
 * once a second, and at the top rate with {@code bench.keys} (20,000) distinct API keys. Beside each rate the same
 * generator runs against {@link StaticJsonServer} serving the same bytes: the floor on this machine.
 *
 * <p>Needs the build {@code ./modelforge up} needs; runs {@code ./modelforge up} and {@code down} in {@code bench.repo}
 * (the current directory). {@code bench.seconds} (6) measured per phase after {@code bench.warmupSeconds} (2);
 * {@code bench.jfr=DIR} records a JFR profile of the registry during the by-profile phase at the top rate.
 */
public final class BestQueryLoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "bench-best";
    private static final String BY_PROFILE = "/api/v1/models/" + MODEL + "/best?device=x86-server";
    private static final String BY_DESCRIPTION = "/api/v1/models/" + MODEL
            + "/best?arch=x86_64&cores=8&memoryMb=16384&isa=avx2,avx512,avx512-vnni,vnni,f16c";

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        List<Integer> rates = new ArrayList<>();
        for (String r : System.getProperty("bench.rates", "500,1000,2000").split(",")) {
            rates.add(Integer.parseInt(r.trim()));
        }
        // 3 rates x 6 phases x 8 s, the key phase and the stack's start: under 5 minutes on a quiet machine.
        int seconds = Integer.getInteger("bench.seconds", 6);
        int warmup = Integer.getInteger("bench.warmupSeconds", 2);
        int keyCount = Integer.getInteger("bench.keys", 20_000);
        String jfr = System.getProperty("bench.jfr");

        long started = System.nanoTime();
        modelforge(repo, "up");
        List<String> results = new ArrayList<>();
        try {
            URI base = URI.create(Files.readString(repo.resolve(".modelforge/registry-url")).trim());
            String admin = Files.readString(repo.resolve(".modelforge/admin-key")).trim();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String reader = setUp(http, base, admin);
            HttpResponse<byte[]> sample = http.send(get(base, BY_PROFILE, reader), HttpResponse.BodyHandlers.ofByteArray());
            check(sample.statusCode() == 200, "best answered " + sample.statusCode());
            String sampleTag = sample.headers().firstValue("ETag").orElse("\"static\"");
            long pid = registryProcess(repo).pid();

            try (OpenLoop registry = new OpenLoop(base.getHost(), base.getPort());
                 StaticJsonServer floor = new StaticJsonServer(sample.body(), sampleTag);
                 OpenLoop toFloor = new OpenLoop("127.0.0.1", floor.port())) {
                System.out.println("warm-up: 10 s at 1000/s, then " + warmup + " s before each measured phase");
                registry.run("warm-up", 1000, 5, fixed(BY_PROFILE, reader));
                registry.run("warm-up", 1000, 5, fixed(BY_DESCRIPTION, reader));
                toFloor.run("warm-up", 1000, 3, fixed(BY_PROFILE, reader));
                for (int rate : rates) {
                    results.add(phase(toFloor, -1, "static JSON server (floor)", rate, seconds, warmup,
                            fixed(BY_PROFILE, reader)));
                    results.add(phase(toFloor, -1, "static JSON server, If-None-Match (floor)", rate, seconds, warmup,
                            conditional(BY_PROFILE, reader)));
                    if (jfr != null && rate == rates.get(rates.size() - 1)) {
                        startJfr(repo, Path.of(jfr).toAbsolutePath(), warmup + seconds);
                    }
                    results.add(phase(registry, pid, "registry ?device=x86-server", rate, seconds, warmup,
                            fixed(BY_PROFILE, reader)));
                    results.add(phase(registry, pid, "registry ?arch=x86_64&cores=8&...", rate, seconds, warmup,
                            fixed(BY_DESCRIPTION, reader)));
                    results.add(phase(registry, pid, "registry ?device=, If-None-Match", rate, seconds, warmup,
                            conditional(BY_PROFILE, reader)));
                    try (Invalidator inv = new Invalidator(http, base, admin)) {
                        results.add(phase(registry, pid, "registry ?device=, If-None-Match, promotion every 1 s", rate,
                                seconds, warmup, conditional(BY_PROFILE, reader)));
                        System.out.println("  (" + inv.count.get() + " promotions during the phase)");
                    }
                }
                if (keyCount > 0) {
                    List<String> keys = createKeys(http, base, admin, keyCount);
                    int top = rates.get(rates.size() - 1);
                    AtomicInteger next = new AtomicInteger();
                    results.add(phase(registry, pid, "registry ?device=, " + keyCount + " distinct keys", top, seconds,
                            warmup, () -> target(BY_PROFILE, keys.get(Math.floorMod(next.getAndIncrement(),
                                    keys.size())), null)));
                }
            }
        } finally {
            modelforge(repo, "down");
        }
        System.out.println();
        System.out.println("| phase | rate | achieved | 200 | 304 | errors | p50 ms | p95 ms | p99 ms | max ms "
                + "| registry CPU µs/req | load avg |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        results.forEach(System.out::println);
        System.out.printf("%nwhole run (up, pipeline, phases, down): %.0f s%n", (System.nanoTime() - started) / 1e9);
    }

    /**
     * One warmed-up, measured phase as a table row: the generator's figures, the registry's CPU time per answered
     * request (user + system, from /proc; {@code pid} -1 for the floor server, which runs in this JVM) — the cost
     * of a request whatever share of the cores the registry got — and the load average.
     */
    private static String phase(OpenLoop loop, long pid, String name, int rate, int seconds, int warmup,
                                Supplier<OpenLoop.Target> targets) throws Exception {
        loop.run(name, rate, warmup, targets);
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        long cpu0 = pid < 0 ? 0 : cpuTicks(pid);
        OpenLoop.Result r = loop.run(name, rate, seconds, targets);
        long cpu1 = pid < 0 ? 0 : cpuTicks(pid);
        int answered = r.ok() + r.notModified();
        String cpu = pid < 0 || answered == 0 ? "-"
                : String.format(java.util.Locale.ROOT, "%.0f", (cpu1 - cpu0) * 10_000.0 / answered); // 100 ticks/s
        String row = r.row() + " " + cpu + " | " + load.split(" ")[0] + " |";
        System.out.println(row + (r.errors().isEmpty() ? "" : "   errors " + r.errors()));
        return row;
    }

    /** User + system CPU ticks (1/100 s) the process has used, from /proc/PID/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static Supplier<OpenLoop.Target> fixed(String uri, String key) {
        OpenLoop.Target t = target(uri, key, null);
        return () -> t;
    }

    /** A device that sends back the last ETag it saw (so mostly 304s, a 200 after each change). */
    private static Supplier<OpenLoop.Target> conditional(String uri, String key) {
        AtomicReference<String> etag = new AtomicReference<>();
        OpenLoop.Target t = target(uri, key, etag);
        return () -> t;
    }

    private static OpenLoop.Target target(String uri, String key, AtomicReference<String> etag) {
        String auth = "Bearer " + key;
        return new OpenLoop.Target() {
            @Override
            public String uri() {
                return uri;
            }

            @Override
            public void headers(MultiMap headers) {
                headers.set("Authorization", auth);
                String tag = etag == null ? null : etag.get();
                if (tag != null) {
                    headers.set("If-None-Match", tag);
                }
            }

            @Override
            public void answered(int status, String tag) {
                if (etag != null && status == 200 && tag != null) {
                    etag.set(tag);
                }
            }
        };
    }

    /** Re-promotes the baseline once a second: a new promotion id, so every replica drops and reloads its answer. */
    private static final class Invalidator implements AutoCloseable {
        final AtomicInteger count = new AtomicInteger();
        private final Thread thread;
        private volatile boolean running = true;

        Invalidator(HttpClient http, URI base, String admin) {
            thread = new Thread(() -> {
                while (running) {
                    try {
                        promoteBaseline(http, base, admin);
                        count.incrementAndGet();
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        System.out.println("  promotion failed: " + e.getMessage());
                    }
                }
            }, "invalidator");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
        }
    }

    private static String baselineId;

    /** Uploads a tiny model, lets the workers finish with it, promotes its baseline on x86-server; a reader key. */
    private static String setUp(HttpClient http, URI base, String admin) throws Exception {
        // Just after ready the bootstrap key can answer 401 (ConsolePageBench saw it): wait, bounded, until it works.
        long keyDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (http.send(get(base, "/api/v1/models", admin), HttpResponse.BodyHandlers.discarding()).statusCode() == 401
                && System.nanoTime() < keyDeadline) {
            Thread.sleep(500);
        }
        Path model = Files.createTempFile("bench-best-", ".onnx");
        UploadThroughputBench.writeModel(model, 4096);
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models/" + MODEL + "/versions"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(model)).build(), HttpResponse.BodyHandlers.ofString());
        check(up.statusCode() == 201, "upload answered " + up.statusCode() + ": " + up.body());
        Files.delete(model);
        // Measure with idle workers: wait (bounded) until the pipeline has nothing left to do for the version.
        long deadline = System.nanoTime() + Duration.ofSeconds(Integer.getInteger("bench.settleSeconds", 240)).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = JSON.readTree(http.send(get(base, "/api/v1/models/" + MODEL + "/versions/1", admin),
                    HttpResponse.BodyHandlers.ofString()).body()).path("status").asText();
            if (status.equals("ready") || status.equals("failed")) {
                break;
            }
            Thread.sleep(2000);
        }
        System.out.println("version 1 is '" + status + "'; load " + Files.readString(Path.of("/proc/loadavg")).trim());
        JsonNode variants = JSON.readTree(http.send(get(base, "/api/v1/models/" + MODEL + "/versions/1/variants",
                admin), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode v : variants) {
            if (v.path("recipe").path("label").asText().contains("baseline") || baselineId == null) {
                baselineId = v.get("id").asText();
            }
        }
        promoteBaseline(http, base, admin);
        return createKeys(http, base, admin, 1).get(0);
    }

    private static void promoteBaseline(HttpClient http, URI base, String admin) throws Exception {
        HttpResponse<String> r = http.send(post(base, "/api/v1/models/" + MODEL + "/promotions", admin,
                "{\"device\":\"x86-server\",\"variantId\":\"" + baselineId + "\",\"reason\":\"load bench\"}"),
                HttpResponse.BodyHandlers.ofString());
        check(r.statusCode() == 201, "promotion answered " + r.statusCode() + ": " + r.body());
    }

    private static List<String> createKeys(HttpClient http, URI base, String admin, int n) throws Exception {
        long t0 = System.nanoTime();
        // Key names are unique (trust issue): the reader key of the set-up and the fleet's keys must not collide.
        String prefix = "bench-reader-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    HttpResponse<String> r = http.send(post(base, "/api/v1/api-keys", admin,
                            "{\"name\":\"" + prefix + k + "\",\"role\":\"reader\"}"), HttpResponse.BodyHandlers.ofString());
                    check(r.statusCode() == 201, "key creation answered " + r.statusCode());
                    return JSON.readTree(r.body()).get("secret").asText();
                }));
            }
            List<String> keys = new ArrayList<>(n);
            for (Future<String> f : futures) {
                keys.add(f.get());
            }
            if (n > 1) {
                System.out.printf("created %d reader keys in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            }
            return keys;
        } finally {
            pool.shutdown();
        }
    }

    private static void startJfr(Path repo, Path dir, int seconds) throws Exception {
        Files.createDirectories(dir);
        ProcessHandle registry = registryProcess(repo);
        Path file = dir.resolve("registry.jfr");
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(registry.pid()), "JFR.start", "settings=profile", "duration=" + seconds + "s",
                "filename=" + file).inheritIO().start();
        jcmd.waitFor();
        System.out.println("  JFR of the registry (pid " + registry.pid() + ") for " + seconds + " s -> " + file);
    }

    private static ProcessHandle registryProcess(Path repo) {
        String marker = "-Dmodelforge.process=registry-service";
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && c.contains(repo.toString()))
                        .orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("registry process not found"));
    }

    private static void modelforge(Path repo, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("modelforge").toString(), command).directory(repo.toFile())
                .inheritIO();
        pb.environment().put("MODELFORGE_SKIP_BUILD", "1");
        int code = pb.start().waitFor();
        check(code == 0, "./modelforge " + command + " exited with " + code);
    }

    private static HttpRequest get(URI base, String path, String key) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    private static HttpRequest post(URI base, String path, String key, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static void check(boolean condition, String message) throws IOException {
        if (!condition) {
            throw new IOException(message);
        }
    }
}
