package dev.modelforge.worker.compression.it;

import dev.modelforge.localstack.PackagedApps;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) running as its own JVM, so tests and
 * benchmarks exercise the real process boundaries: separate heaps, REST between services, and a kill -9 that leaves
 * Kafka offsets uncommitted.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code jar} with {@code env} on {@code port} and waits until {@code /q/health/ready} answers 200. */
    public static ServiceProcess start(String name, Path jar, Map<String, String> env, int port, Path logDir,
                                       String heap) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        ServiceProcess p = new ServiceProcess(name, pb.start(), port, log);
        p.awaitReady(Duration.ofMinutes(3));
        return p;
    }

    private void awaitReady(Duration timeout) throws IOException {
        try {
            PackagedApps.awaitReady(process, baseUrl(), timeout, name, log);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no offset commit, no goodbye to the consumer group. */
    public void kill() {
        process.destroyForcibly();
        waitQuietly(30);
    }

    /** SIGTERM and wait; SIGKILL if it does not stop in time. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!waitQuietly(30)) {
                kill();
            }
        }
    }

    private boolean waitQuietly(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
