package dev.modelforge.worker.benchmark.job;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The two registry endpoints the worker calls, served by the JDK's HTTP server until the registry's
 * benchmark API exists: GET a device profile, POST a result (recorded for assertions).
 */
public class RegistryStandIn implements QuarkusTestResourceLifecycleManager {

    /** Bodies POSTed to {@code /api/v1/variants/{id}/benchmarks}, with the path. */
    static final List<String[]> POSTED = new CopyOnWriteArrayList<>();

    private static final String PROFILE = """
            {"name":"test-cpu","description":"one core, emulated","active":true,
             "hardware":{"arch":"arm64","cores":1,"memoryMb":1024,"isaFeatures":["neon"]},
             "runtime":{"executionProvider":"cpu","intraOpThreads":1,"interOpThreads":1,"graphOptimizationLevel":"all"},
             "limits":{"maxMemoryMb":1024},"recipes":[],"revision":1}
            """;

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/v1/device-profiles/test-cpu", ex -> {
            byte[] body = PROFILE.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/api/v1/variants/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            POSTED.add(new String[] {ex.getRequestURI().getPath(), body});
            ex.sendResponseHeaders(201, -1);
            ex.close();
        });
        server.start();
        return Map.of("quarkus.rest-client.registry.url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "modelforge.benchmark.profiles", "test-cpu",
                "modelforge.benchmark.paired-processes", "1",
                "modelforge.benchmark.batch-sizes", "1");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
