package dev.modelforge.registry.promotion;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.promotion.PromotionTestSupport.as;
import static dev.modelforge.registry.promotion.PromotionTestSupport.putProfile;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Stale-if-error on the real stack: PostgreSQL is stopped (SIGSTOP of the postmaster and its backends, as a stalled
 * disk or frozen VM looks from outside). Within the bound, {@code best} keeps answering its last known answer marked
 * {@code ModelForge-Stale} (the reader key is still known to the key table), a 304 included; after PostgreSQL
 * resumes the answer is fresh again; a stall longer than the bound answers 503 with {@code Retry-After}.
 */
@QuarkusTest
@TestProfile(StaleIfErrorTest.ShortBounds.class)
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class StaleIfErrorTest {
    static final String PROFILE = "pt-stale";
    static final String MODEL = "stale-if-error";
    /** The TTL of the profile below plus its stale-if-error bound (both the answer's and the key table's). */
    static final Duration BOUND = Duration.ofSeconds(1 + 6);

    /** A 1 s staleness bound and a 6 s stale-if-error bound, and database timeouts short enough for a test. */
    public static class ShortBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("modelforge.promotion.cache-ttl", "1s",
                    "modelforge.promotion.stale-if-error", "6s",
                    "modelforge.auth.key-stale-if-error", "6s",
                    "quarkus.datasource.jdbc.acquisition-timeout", "2s",
                    "quarkus.datasource.jdbc.additional-jdbc-properties.socketTimeout", "2");
        }
    }

    private static Response best(String ifNoneMatch) {
        var req = given().auth().oauth2(key("reader"));
        if (ifNoneMatch != null) {
            req = req.header("If-None-Match", ifNoneMatch);
        }
        return req.get("/api/v1/models/{m}/best?device={d}", MODEL, PROFILE);
    }

    @Test
    void aDatabaseBlipIsAnsweredStaleWithinTheBoundAnd503AfterIt() throws Exception {
        if (as("reader").get("/api/v1/device-profiles/{p}", PROFILE).statusCode() == 404) {
            putProfile(PROFILE, "x86_64", 3, 3000, List.of("avx2"), "{}");
        }
        upload(MODEL, reluModel(MODEL));
        String base = PromotionFlowTest.baselineOfModel(MODEL, 1);
        as("promoter").body(Map.of("device", PROFILE, "variantId", base, "reason", "stale test"))
                .post("/api/v1/models/{m}/promotions", MODEL).then().statusCode(201);
        Response fresh = best(null);
        fresh.then().statusCode(200);
        assertThat(fresh.header(BestAnswers.STALE_HEADER)).isNull();
        String etag = fresh.header("ETag");

        List<Long> postgres = postgres();
        signal("STOP", postgres);
        try {
            Thread.sleep(1500); // past the 1 s staleness bound: the answer can no longer be re-read
            Response stale = best(null);
            stale.then().statusCode(200);
            assertThat(stale.jsonPath().getString("variantId")).isEqualTo(base);
            assertThat(stale.header(BestAnswers.STALE_HEADER)).as("marked stale").isNotNull();
            assertThat(Long.parseLong(stale.header(BestAnswers.STALE_HEADER))).isBetween(1L, BOUND.toSeconds());
            assertThat(stale.header("ETag")).isEqualTo(etag);
            Response notModified = best(etag);
            notModified.then().statusCode(304);
            assertThat(notModified.header(BestAnswers.STALE_HEADER)).isNotNull();
        } finally {
            signal("CONT", postgres);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Response again = best(null);
            again.then().statusCode(200);
            assertThat(again.header(BestAnswers.STALE_HEADER)).as("fresh after the database is back").isNull();
        });

        long stoppedAt = System.nanoTime();
        postgres = postgres(); // the pool replaced its connections: other backends
        signal("STOP", postgres);
        try {
            Thread.sleep(BOUND.toMillis() + 1000);
            Response gone = best(null);
            gone.then().statusCode(503);
            assertThat(gone.header("Retry-After")).isNotNull();
            assertThat(gone.contentType()).startsWith("application/problem+json");
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isGreaterThan(BOUND);
        } finally {
            signal("CONT", postgres);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> best(null).then().statusCode(200));
    }

    /** The postmaster and its backends: stopping the postmaster alone leaves open connections answering. */
    private static List<Long> postgres() {
        Long root = LocalStackTestResource.shared().externalProcesses().get("postgres");
        assertThat(root).as("the local stack's postmaster").isNotNull();
        List<Long> pids = new ArrayList<>();
        pids.add(root);
        ProcessHandle.of(root).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    /** Signals each process; a backend that ended meanwhile is fine, the postmaster (first) must be there. */
    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        for (int i = 0; i < pids.size(); i++) {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pids.get(i)))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes());
            int code = kill.waitFor();
            if (i == 0) {
                assertThat(code).as("kill -" + signal + " " + pids.get(i) + ": " + output).isZero();
            }
        }
    }
}
