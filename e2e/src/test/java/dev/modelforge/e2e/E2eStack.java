package dev.modelforge.e2e;

import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.localstack.ExternalServices;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.localstack.PackagedApps;
import dev.modelforge.worker.compression.it.Pipeline;
import dev.modelforge.worker.compression.it.ServiceProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Everything ModelForge runs, each service its own JVM from its packaged jar: the local stack (PostgreSQL, Kafka,
 * S3), the registry and one compression worker (started by the compression worker's {@link Pipeline} harness, so
 * both suites launch services the same way) and benchmark workers serving the test's device profiles. The test
 * talks to the registry over REST only.
 */
final class E2eStack implements AutoCloseable {

    private final LocalStack stack;
    private Pipeline pipeline;
    private final List<ServiceProcess> benchmarkWorkers = new ArrayList<>();
    /** Stops the service JVMs when the test JVM is interrupted (Ctrl-C, surefire's timeout) before @AfterAll. */
    private final Thread shutdownHook = new Thread(this::closeQuietly, "e2e-stack-shutdown");
    private RegistryClient promoter;
    /** Extra environment of every worker this starts. */
    private final Map<String, String> workerEnv;

    private E2eStack(LocalStack stack, Map<String, String> workerEnv) {
        this.stack = stack;
        this.workerEnv = Map.copyOf(workerEnv);
    }

    /**
     * Starts the stack and the registry; the workers come with {@link #startWorkers(List, String)} once the profiles they
     * serve exist.
     */
    static E2eStack start(Path workDir, Path logDir) throws IOException {
        return start(workDir, logDir, ExternalServices.none(), Map.of(), Map.of());
    }

    /**
     * Like {@link #start(Path, Path)}, using the services {@code external} provides (e.g. a Kafka broker in its own
     * JVM that a test can stop), with extra registry and worker environment.
     */
    static E2eStack start(Path workDir, Path logDir, ExternalServices external, Map<String, String> registryEnv,
                          Map<String, String> workerEnv) throws IOException {
        E2eStack s = new E2eStack(LocalStack.start(workDir.resolve("stack"), external), workerEnv);
        Runtime.getRuntime().addShutdownHook(s.shutdownHook);
        try {
            Map<String, String> env = new HashMap<>(registryEnv);
            // decide a version that lost a compression job within a second, not the default ten
            env.putIfAbsent("MODELFORGE_PROMOTION_SWEEP_INTERVAL", "1s");
            s.pipeline = Pipeline.start(s.stack, logDir, env);
            s.promoter = new RegistryClient(s.admin().baseUri(),
                    s.admin().createApiKey(new CreateApiKeyRequest("e2e-promoter", Role.PROMOTER)).secret());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Starts the compression worker and a benchmark worker for {@code profiles} in parallel (each JVM start takes
     * seconds) and waits until both are ready.
     */
    void startWorkers(List<String> profiles, String plan) throws IOException {
        CompletableFuture<Void> compression = CompletableFuture.runAsync(() -> {
            try {
                pipeline.startWorker("e2e-compress", workerEnv);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        try {
            startBenchmarkWorker("e2e-bench-" + benchmarkWorkers.size(), profiles, plan);
        } finally {
            try {
                compression.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
    }

    /**
     * Starts a benchmark worker serving {@code profiles} with one process per paired latency comparison, like the
     * demo. {@code plan} is the worker's measurement plan: {@code quick} (few rounds) or {@code standard}.
     */
    void startBenchmarkWorker(String id, List<String> profiles, String plan) throws IOException {
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.putAll(workerEnv);
        env.put("MODELFORGE_REGISTRY_URL", admin().baseUri().toString());
        env.put("MODELFORGE_WORKER_API_KEY",
                admin().createApiKey(new CreateApiKeyRequest(id, Role.WORKER)).secret());
        env.put("MODELFORGE_WORKER_ID", id);
        env.put("MODELFORGE_BENCHMARK_PROFILES", String.join(",", profiles));
        env.put("MODELFORGE_BENCHMARK_PLAN", plan);
        env.put("MODELFORGE_BENCHMARK_PAIRED_PROCESSES", "1");
        env.put("MODELFORGE_BENCHMARK_BATCH_SIZES", "1");
        env.putIfAbsent("MODELFORGE_WORKER_INITIAL_BACKOFF", "200ms");
        ServiceProcess worker = ServiceProcess.start(id, PackagedApps.quarkusJar("benchmark-worker"), env,
                ServiceProcess.freePort(), pipeline.logDir(), "512m");
        benchmarkWorkers.add(worker);
    }

    /** Admin key: profiles, uploads, reads. */
    RegistryClient admin() {
        return pipeline.admin();
    }

    /** A key with only the {@code promoter} role: approvals, manual promotion, rollback. */
    RegistryClient promoter() {
        return promoter;
    }

    /** The registry and compression worker harness: restart the registry, start another compression worker. */
    Pipeline pipeline() {
        return pipeline;
    }

    /** The worker environment given at start, for workers a test starts itself. */
    Map<String, String> workerEnv() {
        return workerEnv;
    }

    String kafkaBootstrap() {
        return stack.kafkaBootstrap();
    }

    Path logDir() {
        return pipeline.logDir();
    }

    /** Stops every process this started: workers, registry, then the stack (PostgreSQL, s3proxy, Kafka). */
    @Override
    public synchronized void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        List<Exception> failures = new ArrayList<>();
        List<AutoCloseable> all = new ArrayList<>(benchmarkWorkers);
        all.add(pipeline);
        all.add(stack);
        for (AutoCloseable c : all) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("the e2e stack did not stop cleanly");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("e2e: " + e.getMessage());
        }
    }

    /** Deletes what the stack left on disk (database files, objects, Kafka logs), once everything is stopped. */
    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
