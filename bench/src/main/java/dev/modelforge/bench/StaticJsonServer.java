package dev.modelforge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

import java.util.concurrent.TimeUnit;

/**
 * The floor: a Vert.x server that answers one fixed JSON body (the registry's real best answer) with its ETag, checks
 * that a Bearer header is present and answers 304 to a matching If-None-Match. What no registry can beat on this box.
 */
final class StaticJsonServer implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpServer server;

    StaticJsonServer(byte[] body, String etag) throws Exception {
        Buffer buffer = Buffer.buffer(body);
        server = vertx.createHttpServer().requestHandler(req -> {
            String auth = req.getHeader("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                req.response().setStatusCode(401).end();
            } else if (etag.equals(req.getHeader("If-None-Match"))) {
                req.response().setStatusCode(304).putHeader("ETag", etag).end();
            } else {
                req.response().putHeader("Content-Type", "application/json").putHeader("ETag", etag)
                        .putHeader("Cache-Control", "private, max-age=1").end(buffer);
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        vertx.close();
    }
}
