package dev.modelforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argument and error handling of {@code modelforge upload}, against a tiny local HTTP server standing in for
 * the registry's answers (the real registry is exercised by registry-service's RegistryClientTest).
 */
class UploadCommandTest {
    private static final String VERSION_JSON = """
            {"modelId":3,"modelName":"fraud","version":7,"status":"uploaded",
             "artifact":{"sha256":"%s","sizeBytes":%d,"mediaType":"application/vnd.onnx"}}""";

    @TempDir
    Path dir;

    private HttpServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private Path model() throws IOException {
        return Files.write(dir.resolve("m.onnx"), "not really onnx but bytes".getBytes(StandardCharsets.UTF_8));
    }

    private String serve(int status, String contentType, String body, AtomicReference<Map<String, Object>> seen) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            if (seen != null) {
                seen.set(Map.of("path", exchange.getRequestURI().getPath(),
                        "contentType", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
                        "idempotencyKey", String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
                        "gitSha", String.valueOf(exchange.getRequestHeaders().getFirst("X-Modelforge-Git-Sha")),
                        "auth", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                        "reprDigest", String.valueOf(exchange.getRequestHeaders().getFirst("Repr-Digest")),
                        "body", request));
            }
            byte[] answer = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void rawUploadSendsTheFileWithMetadataAndShaIdempotencyKey() throws Exception {
        Path file = model();
        String sha = UploadCommand.sha256(file, null);
        var seen = new AtomicReference<Map<String, Object>>();
        String url = serve(201, "application/json", VERSION_JSON.formatted(sha, Files.size(file)), seen);

        int code = run("upload", "--url", url, "--api-key", "k1", "--model", "fraud", "--git-sha", "abc",
                "--no-progress", file.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("created fraud version 7").contains("sha256 " + sha);
        assertThat(seen.get()).containsEntry("path", "/api/v1/models/fraud/versions")
                .containsEntry("contentType", "application/octet-stream")
                .containsEntry("idempotencyKey", "sha256:" + sha).containsEntry("gitSha", "abc")
                .containsEntry("auth", "Bearer k1")
                .containsEntry("reprDigest", "sha-256=:" + java.util.Base64.getEncoder().encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))) + ":");
        assertThat((byte[]) seen.get().get("body")).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void datasetsSwitchToAStreamedMultipartBody() throws Exception {
        Path file = model();
        Path eval = Files.write(dir.resolve("eval.npz"), new byte[] {1, 2, 3});
        var seen = new AtomicReference<Map<String, Object>>();
        String url = serve(200, "application/json", VERSION_JSON.formatted("ab", 3), seen);

        int code = run("upload", "--url", url, "--model", "fraud", "--eval", eval.toString(), "--json",
                "--idempotency-key", "run-1", "--no-progress", file.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"created\" : false").contains("\"version\" : 7");
        assertThat((String) seen.get().get("contentType")).startsWith("multipart/form-data; boundary=");
        String body = new String((byte[]) seen.get().get("body"), StandardCharsets.ISO_8859_1);
        assertThat(body).contains("name=\"model\"; filename=\"m.onnx\"").contains("not really onnx but bytes")
                .contains("name=\"eval\"; filename=\"eval.npz\"").endsWith("--\r\n");
        assertThat(seen.get()).containsEntry("idempotencyKey", "run-1");
    }

    @Test
    void problemDetailsReachTheUserWithANonZeroExit() throws Exception {
        String url = serve(401, "application/problem+json", """
                {"type":"https://modelforge.dev/problems/unauthorized","title":"Unauthorized","status":401,
                 "detail":"send a valid API key as 'Authorization: Bearer <key>'"}""", null);
        int code = run("upload", "--url", url, "--api-key", "wrong", "--model", "fraud", "--no-progress",
                model().toString());
        assertThat(code).isEqualTo(ExitCodes.AUTH);
        assertThat(err.toString()).contains("did not accept the API key (401: send a valid API key")
                .contains("MODELFORGE_API_KEY");
    }

    @Test
    void unreachableRegistryIsAClearError() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int code = run("upload", "--url", "http://127.0.0.1:" + port, "--model", "fraud", "--no-progress",
                model().toString());
        assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach the registry at http://127.0.0.1:" + port
                + " — is it running? try ./modelforge up");
    }

    @Test
    void badArgumentsExitWithUsageCode() throws Exception {
        assertThat(run("upload", "--url", "http://x", "--model", "fraud", dir.resolve("missing.onnx").toString()))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("missing.onnx does not exist");
        assertThat(run("upload", "--url", "http://x", "--model", "Fraud", model().toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("model name 'Fraud' is invalid");
        assertThat(run("upload", "--url", "ftp://x", "--model", "fraud", model().toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("must start with http");
        assertThat(run("upload", model().toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("--model");
    }

    @Test
    void registryTargetComesFromFlagsThenEnvThenNearestDotDirectory() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project/sub/deeper"));
        Files.createDirectories(dir.resolve("project/.modelforge"));
        Files.writeString(dir.resolve("project/.modelforge/registry-url"), "http://from-file:8080\n");
        Files.writeString(dir.resolve("project/.modelforge/admin-key"), "file-key\n");
        var options = new RegistryOptions();

        assertThat(options.client(project, Map.of()).baseUri().toString()).isEqualTo("http://from-file:8080");
        assertThat(options.client(project, Map.of("MODELFORGE_URL", "http://from-env")).baseUri().toString())
                .isEqualTo("http://from-env");
        options.url = "http://from-flag/";
        assertThat(options.client(project, Map.of("MODELFORGE_URL", "http://from-env")).baseUri().toString())
                .isEqualTo("http://from-flag");
        assertThat(new RegistryOptions().client(dir, Map.of("MODELFORGE_URL", "http://e")).baseUri().getHost())
                .isEqualTo("e");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RegistryOptions().client(dir, Map.of()))
                .hasMessageContaining("no registry URL");
    }

    @Test
    void progressBarShowsBytesPercentAndRate() {
        var bar = new ProgressBar(new PrintWriter(new StringWriter()), "uploading");
        String line = bar.render(512L * 1024 * 1024, 1024L * 1024 * 1024, 2_000_000_000L);
        assertThat(line).contains(" 50%").contains("512.0 MiB/1024.0 MiB").contains("256.0 MiB/s");
    }
}
