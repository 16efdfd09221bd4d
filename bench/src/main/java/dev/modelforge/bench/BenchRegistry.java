package dev.modelforge.bench;

import dev.modelforge.localstack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A registry JVM on a bench's own local stack, for benches that need the registry alone (no workers). */
final class BenchRegistry {
    private BenchRegistry() {
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
