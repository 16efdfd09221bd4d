package dev.modelforge.cli;

import dev.modelforge.localstack.PackagedApps;

import dev.modelforge.localstack.LocalStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real registry — registry-service's packaged {@code quarkus-run.jar}, built by the reactor before this module
 * — as a child JVM on its own local stack (PostgreSQL, Kafka, S3), for CLI tests whose case needs the registry's
 * own answer. Its log goes to {@code target/real-registry/registry.log}.
 */
final class RealRegistryProcess implements AutoCloseable {
    /** The bootstrap admin key (the registry refuses to start with fewer than 32 characters). */
    static final String ADMIN_KEY = "cli-it-admin-key-0123456789abcdefghijkl";

    private final Path work;
    private final LocalStack stack;
    private final Process process;
    private final String url;
    private final Path log;

    private RealRegistryProcess(Path work, LocalStack stack, Process process, String url, Path log) {
        this.work = work;
        this.stack = stack;
        this.process = process;
        this.url = url;
        this.log = log;
    }

    static RealRegistryProcess start() throws IOException {
        Path target = Files.createDirectories(Path.of("target", "real-registry").toAbsolutePath());
        Path work = Files.createTempDirectory(target, "run-");
        LocalStack stack = LocalStack.start(work.resolve("stack"));
        Path jar = PackagedApps.privateCopy(PackagedApps.quarkusJar("registry-service"), work.resolve("app"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = target.resolve("registry.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.put("MODELFORGE_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().putAll(env);
        var registry = new RealRegistryProcess(work, stack, pb.start(), "http://127.0.0.1:" + port, log);
        try {
            PackagedApps.awaitReady(registry.process, registry.url, Duration.ofMinutes(4), "the registry", log);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    String url() {
        return url;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stack.close();
        try (var files = Files.walk(work)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
