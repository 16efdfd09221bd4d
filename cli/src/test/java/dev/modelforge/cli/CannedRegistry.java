package dev.modelforge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A real HTTP server answering registry routes with canned JSON, for the CLI's own rendering and exit codes.
 * A route answers its queued responses in order and repeats the last one; unknown routes get a 404 problem.
 */
final class CannedRegistry implements AutoCloseable {
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> routes = new ConcurrentHashMap<>();
    final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile String lastAuthorization;

    CannedRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(key + (query == null ? "" : "?" + query));
            if (exchange.getRequestHeaders().getFirst("Authorization") != null) {
                lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            }
            Deque<Answer> answers = query == null ? null : routes.get(key + "?" + query);
            if (answers == null) {
                answers = routes.get(key);
            }
            Answer a;
            if (answers == null || answers.isEmpty()) {
                a = new Answer(404, "{\"type\":\"https://modelforge.dev/problems/not-found\",\"status\":404,"
                        + "\"detail\":\"no canned answer for " + key + "\"}");
            } else {
                a = answers.size() > 1 ? answers.poll() : answers.peek();
            }
            if (a.status() == 302) { // a redirect's canned body is its Location
                exchange.getResponseHeaders().add("Location", a.body());
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", a.status() >= 400 ? "application/problem+json"
                    : "application/json");
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    /** Queues answers for {@code "GET /api/v1/..."} (a route with its query string wins); the last one repeats. */
    CannedRegistry on(String route, int status, String... bodies) {
        Deque<Answer> q = routes.computeIfAbsent(route, r -> new ConcurrentLinkedDeque<>());
        for (String b : bodies) {
            q.add(new Answer(status, b));
        }
        return this;
    }

    CannedRegistry on(String route, String... bodies) {
        return on(route, 200, bodies);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Runs the CLI against this registry (its URL and a dummy key appended to {@code args}). */
    int runCli(StringWriter out, StringWriter err, String... args) {
        String[] full = Arrays.copyOf(args, args.length + 4);
        full[args.length] = "--url";
        full[args.length + 1] = url();
        full[args.length + 2] = "--api-key";
        full[args.length + 3] = "k";
        return Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
