package dev.modelforge.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The project's packaged Quarkus apps as tests and benchmarks start them in child JVMs: where a module's
 * {@code quarkus-run.jar} is, a private copy of it, and waiting until the started app is ready.
 */
public final class PackagedApps {
    private static final Duration POLL = Duration.ofMillis(250);

    private PackagedApps() {
    }

    /**
     * The packaged app of a sibling module ({@code <module>/target/quarkus-app/quarkus-run.jar}), looked up under the
     * {@code modelforge.root} system property (default {@code ..}), the working directory and its parent.
     *
     * @throws IllegalStateException naming the command that builds it, when it is not packaged
     */
    public static Path quarkusJar(String module) {
        Path root = Path.of(System.getProperty("modelforge.root", ".."));
        for (Path candidate : List.of(root.resolve(module), Path.of(module), Path.of("..", module))) {
            Path jar = candidate.resolve("target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize();
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException(module + " is not packaged: run `mvn -o -q -pl " + module
                + " -am install -DskipTests` first (mvn verify packages it in reactor order)");
    }

    /**
     * Copies the app directory of {@code jar} into {@code into} and returns the copied jar. A shared checkout's
     * {@code target/} may be rebuilt while a test runs, and a jar replaced under a running JVM breaks its class
     * loading.
     */
    public static Path privateCopy(Path jar, Path into) throws IOException {
        Path source = jar.getParent();
        Files.createDirectories(into);
        try (var files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = into.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return into.resolve(jar.getFileName().toString());
    }

    /**
     * Waits until {@code baseUrl/q/health/ready} answers 200. Fails at once when the process exits and after
     * {@code timeout} otherwise, naming {@code name} and its log; stopping the process is the caller's.
     */
    public static void awaitReady(Process process, String baseUrl, Duration timeout, String name, Path log)
            throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + name, e);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + name, e);
            }
        }
        throw new IOException(name + " was not ready after " + timeout + "; see " + log);
    }
}
