package dev.modelforge.bench;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An open-loop HTTP load generator: requests leave at a fixed arrival rate whatever the server does, and each latency
 * is measured from the request's <em>scheduled</em> send time, so a slow server shows up as queueing rather than being
 * hidden by a client that waits (coordinated omission). Vert.x's client on one event loop, keep-alive connections.
 */
final class OpenLoop implements AutoCloseable {

    /** One measured phase: latencies in scheduled order, how many answers were 200 / 304 / anything else. */
    record Result(String name, int rate, long[] latenciesNanos, int ok, int notModified, Map<String, Integer> errors,
                  double seconds) {

        double percentileMillis(double q) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
        }

        int errorCount() {
            return errors.values().stream().mapToInt(Integer::intValue).sum();
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %d/s | %.0f/s | %d | %d | %d | %.2f | %.2f | %.2f | %.2f |", name,
                    rate, latenciesNanos.length / seconds, ok, notModified, errorCount(), percentileMillis(0.50),
                    percentileMillis(0.95), percentileMillis(0.99), percentileMillis(1.0));
        }
    }

    /** What one request sends; {@code headers} are filled per request (key, If-None-Match). */
    interface Target {
        String uri();

        void headers(MultiMap headers);

        /** Sees every answer's status and ETag (the 304 phases learn the current tag from it). */
        default void answered(int status, String etag) {
        }
    }

    private final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1)
            .setWorkerPoolSize(1));
    private final HttpClient client;
    private final Context context;
    private final String host;
    private final int port;

    OpenLoop(String host, int port) {
        this.host = host;
        this.port = port;
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout(5000), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
        context = vertx.getOrCreateContext();
    }

    Result run(String name, int rate, int seconds, Supplier<Target> targets) throws InterruptedException {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger notModified = new AtomicInteger();
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(total);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 20_000_000L;
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int slot = i;
            Target t = targets.get();
            context.runOnContext(v -> {
                RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
                        .setURI(t.uri()).setTimeout(10_000);
                t.headers(options.getHeaders() == null ? initHeaders(options) : options.getHeaders());
                client.request(options).compose(req -> req.send())
                        .compose(resp -> resp.body().map(b -> {
                            t.answered(resp.statusCode(), resp.getHeader("ETag"));
                            return resp.statusCode();
                        }))
                        .onComplete(ar -> {
                            latencies[slot] = System.nanoTime() - scheduled;
                            if (ar.failed()) {
                                errors.merge(ar.cause().getClass().getSimpleName(), 1, Integer::sum);
                            } else if (ar.result() == 200) {
                                ok.incrementAndGet();
                            } else if (ar.result() == 304) {
                                notModified.incrementAndGet();
                            } else {
                                errors.merge("HTTP " + ar.result(), 1, Integer::sum);
                            }
                            done.countDown();
                        });
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            errors.merge("no answer within 60 s", (int) done.getCount(), Integer::sum);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(name, rate, latencies, ok.get(), notModified.get(), Map.copyOf(errors), elapsed);
    }

    private static MultiMap initHeaders(RequestOptions options) {
        options.setHeaders(MultiMap.caseInsensitiveMultiMap());
        return options.getHeaders();
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
