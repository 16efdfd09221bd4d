package dev.modelforge.localstack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stands in for a Quarkus service in launcher tests: listens on {@code QUARKUS_HTTP_PORT} and answers
 * {@code /q/health/ready} with UP, or DOWN naming a check while a file {@code down} exists in its working directory.
 */
public final class FakeService {
    private FakeService() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/q/health/ready", exchange -> {
            boolean down = Files.exists(Path.of("down"));
            byte[] body = (down
                    ? "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"object-storage\",\"status\":\"DOWN\"}]}"
                    : "{\"status\":\"UP\",\"checks\":[]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(down ? 503 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }
}
