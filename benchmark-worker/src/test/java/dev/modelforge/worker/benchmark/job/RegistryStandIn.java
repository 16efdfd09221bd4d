package dev.modelforge.worker.benchmark.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelforge.api.job.Leases;
import dev.modelforge.api.problem.ProblemTypes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry's worker-facing benchmark contract (/work/team/NOTES-benchmark.md, registry-service
 * {@code dev.modelforge.registry.benchmark}) served by the JDK's HTTP server, with the same answers the registry
 * gives: bearer key checked (401), {@code POST /benchmark-jobs/{id}/start} 200 / 404 unknown / 409
 * benchmark-job-finished (with a lease token in {@code X-Lease-Token}), {@code POST /benchmark-jobs/{id}/heartbeat},
 * {@code POST /variants/{id}/benchmarks} 201 first / 200 repeat with the stored result / 404 unknown job / 409 other
 * variant or profile / 409 lease-lost without the job's token / 422 invalid body, {@code GET /device-profiles/{name}}.
 * Every request is recorded for assertions, and the next requests to a path can be made to fail with 503.
 *
 * <p>Why a stand-in and not the registry: the registry's benchmark endpoints were being written at the same time;
 * the stand-in follows the code that was there.
 */
public class RegistryStandIn implements QuarkusTestResourceLifecycleManager {

    static final String WORKER_KEY = "test-worker-key";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern START = Pattern.compile("/api/v1/benchmark-jobs/([^/]+)/start");
    private static final Pattern HEARTBEAT = Pattern.compile("/api/v1/benchmark-jobs/([^/]+)/heartbeat");
    private static final Pattern RESULTS = Pattern.compile("/api/v1/variants/([^/]+)/benchmarks");
    private static final Pattern PROFILE = Pattern.compile("/api/v1/device-profiles/([^/]+)");

    /** One request as the stand-in saw it. */
    record Seen(String method, String path, String authorization, String body, int status) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A job the registry knows. */
    static final class Job {
        final String variantId;
        final String profile;
        volatile String status = "queued";
        volatile String workerId;
        volatile String leaseToken;

        Job(String variantId, String profile) {
            this.variantId = variantId;
            this.profile = profile;
        }
    }

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    static final Map<String, Job> JOBS = new ConcurrentHashMap<>();
    /** Stored result per job id, as the registry keeps it. */
    static final Map<String, String> RESULTS_BY_JOB = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> FAIL_NEXT = new ConcurrentHashMap<>();

    static final String PROFILE_JSON = """
            {"name":"test-cpu","description":"one core, emulated","active":true,
             "hardware":{"arch":"arm64","cores":1,"memoryMb":1024,"isaFeatures":["neon"]},
             "runtime":{"executionProvider":"cpu","intraOpThreads":1,"interOpThreads":1,"graphOptimizationLevel":"all"},
             "limits":{"maxMemoryMb":1024},"recipes":[],"revision":1}
            """;

    private HttpServer server;

    /** Registers a queued job the way the registry creates one. */
    static void queue(String jobId, String variantId, String profile) {
        JOBS.put(jobId, new Job(variantId, profile));
    }

    /** The next {@code n} requests whose path matches {@code pathRegex} answer 503. */
    static void failNext(String pathRegex, int n) {
        FAIL_NEXT.put(pathRegex, new AtomicInteger(n));
    }

    static List<Seen> seen(String method, String pathRegex) {
        return SEEN.stream().filter(s -> s.method().equals(method) && s.path().matches(pathRegex)).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        return Map.of("quarkus.rest-client.registry.url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "modelforge.worker.api-key", WORKER_KEY,
                "modelforge.worker.max-attempts", "6",
                "modelforge.worker.initial-backoff", "100ms",
                "modelforge.worker.max-backoff", "400ms",
                "modelforge.worker.outage-patience", "3s",
                "modelforge.benchmark.profiles", "test-cpu",
                "modelforge.benchmark.plan", "quick",
                "modelforge.benchmark.paired-processes", "1",
                "modelforge.benchmark.batch-sizes", "1");
    }

    private void serve(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        leaseToken.set(ex.getRequestHeaders().getFirst(Leases.TOKEN_HEADER));
        int status;
        String answer;
        try {
            Answer a = answer(method, path, auth, body);
            status = a.status();
            answer = a.body();
            if (a.leaseToken() != null) {
                ex.getResponseHeaders().add(Leases.TOKEN_HEADER, a.leaseToken());
                ex.getResponseHeaders().add(Leases.EXPIRES_HEADER, Instant.now().plusSeconds(60).toString());
            }
        } catch (RuntimeException e) {
            status = 500;
            answer = problem("internal", 500, e.toString());
        }
        SEEN.add(new Seen(method, path, auth, body, status));
        byte[] out = answer == null ? new byte[0] : answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    private record Answer(int status, String body, String leaseToken) {
        Answer(int status, String body) {
            this(status, body, null);
        }
    }

    /** The lease token of the request being answered (the JDK server answers each on one thread). */
    private final ThreadLocal<String> leaseToken = new ThreadLocal<>();

    private Answer answer(String method, String path, String auth, String body) throws IOException {
        for (Map.Entry<String, AtomicInteger> f : FAIL_NEXT.entrySet()) {
            if (path.matches(f.getKey()) && f.getValue().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return new Answer(503, problem("unavailable", 503, "registry is down for the test"));
            }
        }
        if (!("Bearer " + WORKER_KEY).equals(auth)) {
            return new Answer(401, problem("unauthorized", 401, "missing or unknown API key"));
        }
        Matcher m;
        if (method.equals("GET") && (m = PROFILE.matcher(path)).matches()) {
            return m.group(1).equals("test-cpu") ? new Answer(200, PROFILE_JSON)
                    : new Answer(404, problem("device-profile-not-found", 404, m.group(1)));
        }
        if (method.equals("POST") && (m = START.matcher(path)).matches()) {
            Job job = JOBS.get(m.group(1));
            if (job == null) {
                return new Answer(404, problem("benchmark-job-not-found", 404, m.group(1)));
            }
            synchronized (job) {
                if (job.status.equals("succeeded") || job.status.equals("failed")) {
                    return new Answer(409, problem("benchmark-job-finished", 409, "already " + job.status));
                }
                job.status = "running";
                job.workerId = JSON.readTree(body).path("workerId").asText(null);
                job.leaseToken = "lease-" + UUID.randomUUID();
            }
            ObjectNode view = JSON.createObjectNode().put("id", m.group(1)).put("variantId", job.variantId)
                    .put("deviceProfile", job.profile).put("status", job.status).put("workerId", job.workerId);
            return new Answer(200, view.toString(), job.leaseToken);
        }
        if (method.equals("POST") && (m = HEARTBEAT.matcher(path)).matches()) {
            Job job = JOBS.get(m.group(1));
            if (job == null || job.leaseToken == null || !job.leaseToken.equals(leaseToken.get())) {
                return new Answer(409, problem("lease-lost", 409, "not the lease of " + m.group(1)));
            }
            return new Answer(200, JSON.createObjectNode().put("id", m.group(1)).put("status", job.status).toString());
        }
        if (method.equals("POST") && (m = RESULTS.matcher(path)).matches()) {
            return record(m.group(1), JSON.readTree(body), body);
        }
        return new Answer(404, problem("not-found", 404, method + " " + path));
    }

    /** The registry's BenchmarkJobs.record rules. */
    private Answer record(String variantId, JsonNode r, String raw) {
        String jobId = r.path("jobId").asText(null);
        if (jobId == null) {
            return new Answer(422, problem("benchmark-result-invalid", 422, "jobId is required"));
        }
        Job job = JOBS.get(jobId);
        if (job == null) {
            return new Answer(404, problem("benchmark-job-not-found", 404, jobId));
        }
        if (!job.variantId.equals(variantId) || !job.profile.equals(r.path("deviceProfile").asText(job.profile))) {
            return new Answer(409, problem("benchmark-job-mismatch", 409, "job " + jobId + " is another variant/profile"));
        }
        synchronized (job) {
            if (job.leaseToken == null || !job.leaseToken.equals(leaseToken.get())) {
                return new Answer(409, problem("lease-lost", 409, "the result must carry the lease token of " + jobId));
            }
            String stored = RESULTS_BY_JOB.get(jobId);
            if (stored != null) {
                return new Answer(200, stored);
            }
            String status = r.path("status").asText("");
            if (status.equals("OK") && absent(r.path("latency"))) {
                return new Answer(422, problem("benchmark-result-invalid", 422, "an ok result needs latency"));
            }
            if (status.equals("FAILED") && absent(r.path("failureReason"))) {
                return new Answer(422, problem("benchmark-result-invalid", 422, "a failed result needs failureReason"));
            }
            if (!status.equals("OK") && !status.equals("FAILED")) {
                return new Answer(422, problem("benchmark-result-invalid", 422, "status is required"));
            }
            RESULTS_BY_JOB.put(jobId, raw);
            job.status = status.equals("OK") ? "succeeded" : "failed";
            return new Answer(201, raw);
        }
    }

    private static boolean absent(JsonNode n) {
        return n.isMissingNode() || n.isNull();
    }

    private static String problem(String type, int status, String detail) {
        return JSON.createObjectNode().put("type", ProblemTypes.BASE + type).put("title", type).put("status", status)
                .put("detail", detail).toString();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
