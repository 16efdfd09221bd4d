package dev.modelforge.worker.compression.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.UploadRequest;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.localstack.PackagedApps;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole compression pipeline as separate processes on one local stack: a registry and any number of compression
 * workers, all started from their packaged jars. Used by the worker's integration tests and by the benchmark.
 */
public final class Pipeline implements AutoCloseable {

    private static final ObjectMapper JSON = RegistryClient.objectMapper();
    private static final String ADMIN_KEY = "pipeline-admin-key-0123456789abcdefghijk";

    private final LocalStack stack;
    private final Path logDir;
    private ServiceProcess registry;
    private final Map<String, String> registryEnv;
    private final int registryPort;
    private final RegistryClient admin;
    private final RegistryClient uploader;
    private final String workerKey;
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private Pipeline(LocalStack stack, Path logDir, ServiceProcess registry, Map<String, String> registryEnv) {
        this.stack = stack;
        this.logDir = logDir;
        this.registry = registry;
        this.registryEnv = Map.copyOf(registryEnv);
        this.registryPort = registry.port();
        this.admin = new RegistryClient(URI.create(registry.baseUrl()), ADMIN_KEY);
        this.uploader = new RegistryClient(URI.create(registry.baseUrl()),
                admin.createApiKey(new CreateApiKeyRequest("pipeline-uploader", Role.UPLOADER)).secret());
        this.workerKey = admin.createApiKey(new CreateApiKeyRequest("pipeline-workers", Role.WORKER)).secret();
    }

    /** Starts a registry on {@code stack}; workers are started separately. */
    public static Pipeline start(LocalStack stack, Path logDir) throws IOException {
        return start(stack, logDir, Map.of());
    }

    /** Starts a registry with extra environment (e.g. {@code MODELFORGE_PLANNER_JOB_KEY=job}). */
    public static Pipeline start(LocalStack stack, Path logDir, Map<String, String> registryEnv) throws IOException {
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.putAll(registryEnv);
        env.put("MODELFORGE_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY);
        env.put("MODELFORGE_OUTBOX_POLL_INTERVAL", "200ms");
        // A killed worker's job comes back after its lease expires: short here so the kill test takes seconds, long
        // enough that a live worker's heartbeats (every third of it) keep it on a loaded machine.
        env.putIfAbsent("MODELFORGE_LEASE_DURATION", "30s");
        env.putIfAbsent("MODELFORGE_LEASE_SWEEP_INTERVAL", "1s");
        ServiceProcess registry = ServiceProcess.start("registry", PackagedApps.quarkusJar("registry-service"),
                env, ServiceProcess.freePort(), logDir, "768m");
        return new Pipeline(stack, logDir, registry, env);
    }

    /** The registry process (a new one after {@link #startRegistry()}). */
    public ServiceProcess registry() {
        return registry;
    }

    /** SIGKILL the registry: no graceful shutdown, in-flight requests cut. */
    public void killRegistry() {
        registry.kill();
    }

    /** Stops the registry gracefully (SIGTERM). */
    public void stopRegistry() {
        registry.close();
    }

    /**
     * Starts the registry again with the same environment on the same port, so workers and clients configured with
     * its URL find it again; waits until it is ready.
     */
    public ServiceProcess startRegistry() throws IOException {
        if (registry.isAlive()) {
            throw new IllegalStateException("the registry is still running");
        }
        registry = ServiceProcess.start("registry", PackagedApps.quarkusJar("registry-service"), registryEnv,
                registryPort, logDir, "768m");
        return registry;
    }

    /** Starts a compression worker process named {@code id} in the shared consumer group. */
    public ServiceProcess startWorker(String id) throws IOException {
        return startWorker(id, Map.of());
    }

    /** Starts a compression worker with extra environment (e.g. {@code MODELFORGE_WORKER_LEASE_MARGIN}). */
    public ServiceProcess startWorker(String id, Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.putAll(extraEnv);
        env.put("MODELFORGE_REGISTRY_URL", registry.baseUrl());
        env.put("MODELFORGE_WORKER_API_KEY", workerKey);
        env.put("MODELFORGE_WORKER_ID", id);
        env.putIfAbsent("MODELFORGE_WORKER_INITIAL_BACKOFF", "200ms");
        ServiceProcess w = ServiceProcess.start(id, PackagedApps.quarkusJar("compression-worker"), env,
                ServiceProcess.freePort(), logDir, "768m");
        workers.add(w);
        return w;
    }

    public ModelVersionDto upload(String model, Path onnx, Path eval, Path calibration) {
        return uploader.upload(new UploadRequest(model, onnx, eval, calibration, null, null), (sent, total) -> { })
                .version();
    }

    /** The compression workers started so far, killed ones included, oldest first. */
    public List<ServiceProcess> workers() {
        return List.copyOf(workers);
    }

    /** The bootstrap admin key, for raw HTTP calls. */
    public String adminKey() {
        return ADMIN_KEY;
    }

    public RegistryClient admin() {
        return admin;
    }

    public LocalStack stack() {
        return stack;
    }

    public JsonNode jobs(String model, int version) {
        return get("/api/v1/models/" + model + "/versions/" + version + "/jobs");
    }

    public JsonNode variants(String model, int version) {
        return get("/api/v1/models/" + model + "/versions/" + version + "/variants");
    }

    public JsonNode version(String model, int version) {
        return get("/api/v1/models/" + model + "/versions/" + version);
    }

    /** Waits until no job of the version is queued or running; returns the jobs. */
    public JsonNode awaitJobsFinished(String model, int version, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode jobs = jobs(model, version);
            boolean pending = false;
            for (JsonNode j : jobs) {
                String s = j.get("status").asText();
                pending |= s.equals("queued") || s.equals("running");
            }
            if (!pending && jobs.size() > 0) {
                return jobs;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jobs of " + model + " v" + version + " still pending after " + timeout
                        + ": " + jobs);
            }
            ServiceProcess.sleep(200);
        }
    }

    public JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registry.baseUrl() + path))
                    .header("Authorization", "Bearer " + ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        workers.forEach(ServiceProcess::close);
        registry.close();
    }
}
