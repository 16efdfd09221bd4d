package dev.modelforge.localstack;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starting, probing and stopping the launcher's background processes. */
final class ProcessControl {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private ProcessControl() {
    }

    /**
     * Starts a process that outlives the launcher. With {@code setsid} it gets its own session, so
     * closing the terminal that ran {@code ./modelforge up} does not hang it up.
     */
    static Process launchDetached(List<String> command, Map<String, String> extraEnv, Path log, Path workDir)
            throws IOException {
        Files.createDirectories(log.getParent());
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // setsid execs in place when the caller is not a group leader, so the PID stays the JVM's.
            full.add(SETSID.toString());
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.to(log.toFile()));
        builder.environment().putAll(extraEnv);
        return builder.start();
    }

    /** SIGTERM, then SIGKILL after {@code grace}; true when the process is gone. */
    static boolean stop(ManagedProcess managed, Duration grace) {
        Optional<ProcessHandle> handle = managed.handle();
        if (handle.isEmpty()) {
            return true;
        }
        ProcessHandle process = handle.get();
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        System.out.println("  " + managed.name() + " (pid " + managed.pid() + ") ignored SIGTERM for "
                + grace.toSeconds() + " s; sending SIGKILL");
        process.destroyForcibly();
        return awaitExit(process, Duration.ofSeconds(10));
    }

    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Outcome of waiting for a Quarkus service. */
    enum Readiness { READY, NO_HEALTH_ENDPOINT }

    /**
     * Waits until {@code /q/health/ready} answers UP. A service built without SmallRye Health
     * answers 404 there; it is then reported as started rather than waited on forever.
     */
    static Readiness awaitReady(String name, Process process, int port, Duration timeout, Path log)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI health = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + " during startup. Last log lines ("
                        + log + "):\n" + tail(log, 40));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(health)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return Readiness.READY;
                }
                if (response.statusCode() == 404) {
                    return Readiness.NO_HEALTH_ENDPOINT;
                }
                last = "HTTP " + response.statusCode() + " " + response.body().replaceAll("\\s+", " ");
            } catch (IOException notListeningYet) {
                last = "not listening on port " + port;
            }
            Thread.sleep(300);
        }
        throw new IOException(name + " not ready within " + timeout.toSeconds() + " s (" + last + "). Last log lines ("
                + log + "):\n" + tail(log, 40));
    }

    static final String READY = "ready";
    /** A check that is DOWN in SmallRye Health's JSON ({@code {"name": "...", "status": "DOWN"...}}). */
    private static final Pattern DOWN_CHECK =
            Pattern.compile("\\{\\s*\"name\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"status\"\\s*:\\s*\"DOWN\"");

    /**
     * Asks {@code /q/health/ready} once.
     *
     * @return {@link #READY}, or what is wrong ("NOT READY: ..." with the checks that are down, "not answering")
     */
    static String probeReady(int port, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/q/health/ready")).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return READY;
            }
            List<String> down = new ArrayList<>();
            Matcher m = DOWN_CHECK.matcher(r.body());
            while (m.find()) {
                down.add(m.group(1));
            }
            return "NOT READY (HTTP " + r.statusCode() + (down.isEmpty() ? "" : ", down: " + String.join(", ", down)) + ")";
        } catch (IOException e) {
            return "not answering";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not answering";
        }
    }

    static String tail(Path log, int lines) {
        try {
            // Lenient decoding: a log cut mid-character must not hide the error it reports.
            List<String> all = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
