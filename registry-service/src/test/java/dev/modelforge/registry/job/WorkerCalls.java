package dev.modelforge.registry.job;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;

import dev.modelforge.api.job.Leases;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays a worker in the registry's tests: a {@code worker} key, claims that keep the lease token, and requests that
 * send it back. A job's token is remembered, so a repeated report (an idempotency test) carries the holder's token.
 */
public final class WorkerCalls {
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private WorkerCalls() {
    }

    /** A request with the worker key and no lease token. */
    public static RequestSpecification worker() {
        return given().auth().oauth2(key("worker")).contentType("application/json");
    }

    /** A request with the worker key and the lease token of {@code jobId} (none if it was never claimed). */
    public static RequestSpecification holder(String jobId) {
        RequestSpecification s = worker();
        String token = TOKENS.get(jobId);
        return token == null ? s : s.header(Leases.TOKEN_HEADER, token);
    }

    /** Claims compression job {@code jobId} (200 expected) and remembers its lease token. */
    public static String claim(String jobId) {
        return remember(jobId, worker().body(Map.of("workerId", "w-test")).post("/api/v1/jobs/{id}/claim", jobId));
    }

    /** Starts benchmark job {@code jobId} (200 expected) and remembers its lease token. */
    public static String start(String jobId) {
        return remember(jobId, worker().body(Map.of("workerId", "w-test"))
                .post("/api/v1/benchmark-jobs/{id}/start", jobId));
    }

    /** Starts benchmark job {@code jobId} unless this test JVM already holds (or held) its lease. */
    public static void startOnce(String jobId) {
        if (!TOKENS.containsKey(jobId)) {
            start(jobId);
        }
    }

    private static String remember(String jobId, Response answer) {
        answer.then().statusCode(200);
        String token = answer.header(Leases.TOKEN_HEADER);
        if (token == null || token.isBlank()) {
            throw new AssertionError("claim of " + jobId + " answered no " + Leases.TOKEN_HEADER);
        }
        TOKENS.put(jobId, token);
        return token;
    }
}
