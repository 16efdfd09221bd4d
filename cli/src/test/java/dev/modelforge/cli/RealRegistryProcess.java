package dev.modelforge.cli;

import dev.modelforge.localstack.LocalStack;
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
        Path jar = copyOfApp(jar(), work.resolve("app"));
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
            registry.awaitReady(Duration.ofMinutes(4));
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    String url() {
        return url;
    }

    /**
     * A private copy of the packaged app: the shared checkout's registry-service/target may be rebuilt while this
     * test runs, and a jar replaced under a running JVM breaks its class loading.
     */
    private static Path copyOfApp(Path jar, Path to) throws IOException {
        Path source = jar.getParent();
        try (var files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path copy = to.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(p, copy);
                }
            }
        }
        return to.resolve(jar.getFileName().toString());
    }

    private static Path jar() {
        Path root = Path.of(System.getProperty("modelforge.root", ".."));
        for (Path candidate : List.of(root.resolve("registry-service"), Path.of("..", "registry-service"))) {
            Path jar = candidate.resolve("target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize();
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException("registry-service is not packaged: run `mvn -o -pl cli -am verify` (the"
                + " reactor packages it before this module)");
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the registry exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("the registry was not ready after " + timeout + "; see " + log);
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
