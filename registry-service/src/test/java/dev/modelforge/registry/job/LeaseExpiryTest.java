package dev.modelforge.registry.job;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.awaitRecords;
import static dev.modelforge.registry.planner.PipelineTestSupport.jobs;
import static dev.modelforge.registry.planner.PipelineTestSupport.storeContentAddressed;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.variants;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.job.CompressionJobMessage;
import dev.modelforge.api.job.Leases;
import dev.modelforge.api.variant.VariantCreatedEvent;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A worker that claims a job and then goes silent (killed, partitioned) loses the job when its lease expires: the
 * sweep puts it back on the queue and emits its message again, another claim finishes it exactly once, and a job
 * whose every lease expires ends failed with the reason instead of {@code running} forever. The test profile's
 * lease is 5 s, swept every 0.5 s, 2 attempts.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class LeaseExpiryTest {
    private static final String P = "https://modelforge.dev/problems/";

    private static JsonNode job(String id) throws Exception {
        return JSON.readTree(given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", id).then().statusCode(200)
                .extract().asString());
    }

    private static String status(String path, String id) {
        return given().auth().oauth2(key("reader")).get(path, id).then().statusCode(200).extract().path("status");
    }

    @Test
    void aSilentWorkersJobIsRequeuedAndFinishedExactlyOnce() throws Exception {
        String model = "lease-requeue";
        int version = upload(model, reluModel("lease-requeue"));
        String id = jobs(model, version).get(0).get("id").asText();
        String deadWorkersToken = WorkerCalls.claim(id);
        // ... and the worker dies here: no progress, no result.

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "queued".equals(job(id).get("status").asText()));
        JsonNode requeued = job(id);
        assertThat(requeued.get("attempts").asInt()).isEqualTo(1);
        assertThat(requeued.get("error").asText()).contains("expired").contains("re-queued");
        // The job's message is on the topic again, for the next worker.
        assertThat(awaitRecords(CompressionJobMessage.TOPIC, 2, j -> id.equals(j.path("jobId").asText()))).hasSize(2);
        // A late report from the dead worker is refused.
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, deadWorkersToken)
                .body(Map.of("workerId", "w-dead", "progressPercent", 99)).post("/api/v1/jobs/{id}/progress", id)
                .then().statusCode(409).contentType("application/problem+json").body("type", equalTo(P + "lease-lost"));

        String token = WorkerCalls.claim(id);
        assertThat(job(id).get("attempts").asInt()).isEqualTo(2);
        byte[] bytes = "variant after a requeue".getBytes(StandardCharsets.UTF_8);
        String sha = storeContentAddressed(bytes);
        Map<String, Object> registration = Map.of("workerId", "w-live", "toolVersion", "core/lease",
                "artifact", Map.of("storageKey", "sha256/" + sha, "sha256", sha, "sizeBytes", bytes.length));
        String variantId = WorkerCalls.worker().header(Leases.TOKEN_HEADER, token).body(registration)
                .post("/api/v1/jobs/{id}/variant", id).then().statusCode(201).extract().path("id");
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, deadWorkersToken).body(registration)
                .post("/api/v1/jobs/{id}/variant", id).then().statusCode(409).body("type", equalTo(P + "job-finished"));

        assertThat(job(id).get("status").asText()).isEqualTo("succeeded");
        assertThat(job(id).get("variantId").asText()).isEqualTo(variantId);
        assertThat(variants(model, version)).hasSize(2); // baseline + exactly one variant
        assertThat(awaitRecords(VariantCreatedEvent.TOPIC, 1,
                j -> variantId.equals(j.path("variantId").asText()))).hasSize(1);
        // Finished jobs are not swept: it stays succeeded past another lease period.
        Thread.sleep(6000);
        assertThat(job(id).get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void aJobWhoseEveryLeaseExpiresIsDeadWithTheReason() throws Exception {
        String model = "lease-exhausted";
        int version = upload(model, reluModel("lease-exhausted"));
        String id = jobs(model, version).get(0).get("id").asText();
        WorkerCalls.claim(id);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "queued".equals(job(id).get("status").asText()));
        WorkerCalls.claim(id);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "dead".equals(job(id).get("status").asText()));
        assertThat(job(id).get("error").asText()).contains("attempt 2 of 2").contains("no worker finished");
        WorkerCalls.worker().body(Map.of("workerId", "w")).post("/api/v1/jobs/{id}/claim", id).then().statusCode(409)
                .body("type", equalTo(P + "job-finished"));
    }

    @Test
    void aBenchmarkJobWhoseWorkerFallsSilentIsRequeuedAndHeartbeatsKeepALease() throws Exception {
        String model = "lease-bench";
        int version = upload(model, reluModel("lease-bench"));
        List<JsonNode> jobs = List.copyOf(JSON.readValue(given().auth().oauth2(key("reader"))
                .get("/api/v1/models/{m}/versions/{v}/benchmark-jobs", model, version).then().statusCode(200)
                .extract().asString(), new com.fasterxml.jackson.core.type.TypeReference<List<JsonNode>>() { }));
        String silent = jobs.get(0).get("id").asText();
        String variant = jobs.get(0).get("variantId").asText();
        String silentToken = WorkerCalls.start(silent);
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> "queued".equals(status("/api/v1/benchmark-jobs/{id}", silent)));
        assertThat(awaitRecords(BenchmarkJob.TOPIC, 2, j -> silent.equals(j.path("jobId").asText()))).hasSize(2);
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, silentToken).body(BenchmarkBodies.ok(silent, 2.0))
                .post("/api/v1/variants/{id}/benchmarks", variant).then().statusCode(409)
                .body("type", equalTo(P + "lease-lost"));

        // A worker that heartbeats keeps its lease well past the lease's duration.
        String token = WorkerCalls.start(silent);
        for (int i = 0; i < 4; i++) {
            Thread.sleep(2000);
            WorkerCalls.worker().header(Leases.TOKEN_HEADER, token).post("/api/v1/benchmark-jobs/{id}/heartbeat", silent)
                    .then().statusCode(200).header(Leases.EXPIRES_HEADER, org.hamcrest.Matchers.notNullValue());
        }
        assertThat(status("/api/v1/benchmark-jobs/{id}", silent)).isEqualTo("running");
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, token).body(BenchmarkBodies.ok(silent, 2.0))
                .post("/api/v1/variants/{id}/benchmarks", variant).then().statusCode(201);
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, "not-the-token").post("/api/v1/benchmark-jobs/{id}/heartbeat", silent)
                .then().statusCode(409).body("detail", containsString("already"));
        assertThat(status("/api/v1/benchmark-jobs/{id}", silent)).isEqualTo("succeeded");
    }
}
