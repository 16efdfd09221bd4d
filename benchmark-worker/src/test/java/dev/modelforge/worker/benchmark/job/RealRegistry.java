package dev.modelforge.worker.benchmark.job;

import dev.modelforge.localstack.PackagedApps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real registry — {@code registry-service/target/quarkus-app/quarkus-run.jar}, packaged by the reactor before
 * this module — as a child JVM on the test JVM's local stack, with a bootstrap admin key and a {@code worker} key
 * for the worker under test. Points the in-process worker at it.
 */
public class RealRegistry implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN_KEY = "it-admin-key-0123456789abcdefghijklmn";
    static final ObjectMapper JSON = RegistryClient.objectMapper();
    private static Process process;
    private static String baseUrl;
    private static String workerKey;
    private static Path log;

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (process == null) {
                launch(LocalStackTestResource.shared());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the registry: " + e.getMessage() + " (log: " + log + ")", e);
        }
        return Map.of("quarkus.rest-client.registry.url", baseUrl,
                "modelforge.worker.api-key", workerKey,
                "modelforge.worker.max-attempts", "6",
                "modelforge.worker.initial-backoff", "200ms",
                "modelforge.benchmark.profiles", "iot-1core",
                "modelforge.benchmark.plan", "quick",
                "modelforge.benchmark.paired-processes", "1",
                "modelforge.benchmark.batch-sizes", "1");
    }

    private static void launch(LocalStack stack) throws IOException {
        Path jar = PackagedApps.privateCopy(PackagedApps.quarkusJar("registry-service"), Files.createTempDirectory(
                Files.createDirectories(Path.of("target").toAbsolutePath()), "registry-app-"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path logs = Files.createDirectories(Path.of("target", "real-registry-it"));
        log = logs.resolve("registry.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.put("MODELFORGE_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY);
        env.put("MODELFORGE_OUTBOX_POLL_INTERVAL", "200ms");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().putAll(env);
        process = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(RealRegistry::kill, "real-registry-stop"));
        baseUrl = "http://127.0.0.1:" + port;
        try {
            PackagedApps.awaitReady(process, baseUrl, Duration.ofMinutes(4), "the registry", log);
        } catch (IOException e) {
            kill();
            throw e;
        }
        workerKey = new RegistryClient(URI.create(baseUrl), ADMIN_KEY)
                .createApiKey(new CreateApiKeyRequest("benchmark-worker-it", Role.WORKER)).secret();
    }

    static String baseUrl() {
        return baseUrl;
    }

    /** GET with the admin key; fails the test on anything but 200. */
    static JsonNode get(String path) {
        return call("GET", path, null, 200);
    }

    /** A request with the admin key and a JSON body; fails the test unless the answer is {@code expected}. */
    static JsonNode call(String method, String path, Object body, int expected) {
        return call(method, path, body, expected, null);
    }

    /** Like {@link #call} for a worker report: sends the job's lease token (the admin key may act as a worker). */
    static JsonNode call(String method, String path, Object body, int expected, String leaseToken) {
        String answer = send(method, path, body, expected, leaseToken).body();
        return answer.isEmpty() ? null : readTree(answer);
    }

    /** Claims a compression job with the admin key; answers the lease token. */
    static String claim(String jobId, Object body) {
        return send("POST", "/api/v1/jobs/" + jobId + "/claim", body, 200, null).headers()
                .firstValue(dev.modelforge.api.job.Leases.TOKEN_HEADER).orElseThrow();
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> send(String method, String path, Object body, int expected, String leaseToken) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (leaseToken != null) {
                b.header(dev.modelforge.api.job.Leases.TOKEN_HEADER, leaseToken);
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r;
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void stop() {
        // the registry lives as long as the test JVM (like the local stack); the shutdown hook stops it
    }
}
