package dev.modelforge.registry.job;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.awaitRecords;
import static dev.modelforge.registry.planner.PipelineTestSupport.jobs;
import static dev.modelforge.registry.planner.PipelineTestSupport.storeContentAddressed;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.variants;
import static dev.modelforge.registry.planner.PipelineTestSupport.versionStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.job.Leases;
import dev.modelforge.api.variant.VariantCreatedEvent;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class JobLifecycleTest {
    private static final String P = "https://modelforge.dev/problems/";

    private static RequestSpecification worker() {
        return WorkerCalls.worker();
    }

    private static List<String> jobIds(String model, int version) throws Exception {
        List<String> ids = new ArrayList<>();
        jobs(model, version).forEach(j -> ids.add(j.get("id").asText()));
        return ids;
    }

    private static Map<String, Object> registration(String sha, long size, String tool) {
        return Map.of("workerId", "w-test", "toolVersion", tool,
                "artifact", Map.of("storageKey", "sha256/" + sha, "sha256", sha, "sizeBytes", size),
                "report", Map.of("passes", List.of(Map.of("pass", "test", "quantized", 3))));
    }

    @Test
    void workerDrivesJobsToSucceededFailedAndDeadAndTheVersionFollows() throws Exception {
        String model = "jobs-relu";
        int version = upload(model, reluModel("jobs"));
        List<String> ids = jobIds(model, version);
        assertThat(ids).hasSizeGreaterThanOrEqualTo(3);
        String ok = ids.get(0);

        WorkerCalls.claim(ok);
        given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", ok).then().statusCode(200)
                .body("status", equalTo("running")).body("attempts", equalTo(1)).body("workerId", equalTo("w-test"));
        // A second claim while the lease is live is refused: its holder keeps it by reporting.
        worker().body(Map.of("workerId", "w-other")).post("/api/v1/jobs/{id}/claim", ok).then().statusCode(409)
                .body("type", equalTo(P + "lease-held"));
        assertThat(versionStatus(model, version)).isEqualTo("compressing");
        WorkerCalls.holder(ok).body(Map.of("workerId", "w-test", "progressPercent", 40, "message", "calibrate"))
                .post("/api/v1/jobs/{id}/progress", ok).then().statusCode(200).body("progressPercent", equalTo(40));
        WorkerCalls.holder(ok).body(Map.of("workerId", "w-test", "progressPercent", 140))
                .post("/api/v1/jobs/{id}/progress", ok).then().statusCode(422)
                .body("type", equalTo(P + "job-report-invalid"));
        // A retryable error keeps the job running with the reason visible.
        WorkerCalls.holder(ok).body(Map.of("workerId", "w-test", "kind", "retrying", "reason", "s3 timeout"))
                .post("/api/v1/jobs/{id}/fail", ok).then().statusCode(200)
                .body("status", equalTo("running")).body("error", equalTo("s3 timeout"));

        byte[] variantBytes = ("variant of " + model).getBytes(StandardCharsets.UTF_8);
        // Registering before the bytes are stored is refused, and nothing is recorded.
        String missing = dev.modelforge.registry.RegistryTestSupport.sha256("not stored".getBytes());
        WorkerCalls.holder(ok).body(registration(missing, 10, "core/1")).post("/api/v1/jobs/{id}/variant", ok).then()
                .statusCode(422).body("type", equalTo(P + "artifact-mismatch"))
                .body("detail", containsString("upload the variant before registering"));

        String sha = storeContentAddressed(variantBytes);
        String variantId = WorkerCalls.holder(ok).body(registration(sha, variantBytes.length, "core/1"))
                .post("/api/v1/jobs/{id}/variant", ok).then().statusCode(201)
                .body("sha256", equalTo(sha)).body("version", equalTo(version))
                .body("report.passes[0].quantized", equalTo(3)).extract().path("id");
        // The same registration again (a redelivered job, a retried call): the same variant, no new row.
        WorkerCalls.holder(ok).body(registration(sha, variantBytes.length, "core/1"))
                .post("/api/v1/jobs/{id}/variant", ok).then().statusCode(200).body("id", equalTo(variantId));
        worker().body(Map.of("workerId", "w-2")).post("/api/v1/jobs/{id}/claim", ok).then().statusCode(409)
                .body("type", equalTo(P + "job-finished"));
        given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", ok).then().statusCode(200)
                .body("status", equalTo("succeeded")).body("progressPercent", equalTo(100))
                .body("variantId", equalTo(variantId)).body("error", equalTo(null));

        JsonNode variant = JSON.readTree(given().auth().oauth2(key("reader"))
                .get("/api/v1/variants/{id}", variantId).then().statusCode(200).extract().asString());
        assertThat(variant.get("modelName").asText()).isEqualTo(model);
        assertThat(variant.get("jobId").asText()).isEqualTo(ok);
        assertThat(variant.get("profiles").size()).isPositive();
        assertThat(variants(model, version)).hasSize(2); // baseline + this one
        var events = awaitRecords(VariantCreatedEvent.TOPIC, 2, j -> model.equals(j.path("modelName").asText()));
        assertThat(events).hasSize(2);

        String refused = ids.get(1);
        WorkerCalls.claim(refused);
        WorkerCalls.holder(refused).body(Map.of("workerId", "w-test", "kind", "refused", "reason", "nothing to quantize"))
                .post("/api/v1/jobs/{id}/fail", refused).then().statusCode(200)
                .body("status", equalTo("failed")).body("error", equalTo("nothing to quantize"));
        WorkerCalls.holder(refused).body(Map.of("workerId", "w-test", "kind", "refused", "reason", "nothing to quantize"))
                .post("/api/v1/jobs/{id}/fail", refused).then().statusCode(200); // repeated report: no change

        assertThat(versionStatus(model, version)).isEqualTo("compressing");
        for (String id : ids.subList(2, ids.size())) {
            WorkerCalls.claim(id);
            WorkerCalls.holder(id).body(Map.of("workerId", "w-test", "kind", "dead", "reason", "poison"))
                    .post("/api/v1/jobs/{id}/fail", id).then().statusCode(200).body("status", equalTo("dead"));
        }
        // Nothing pending and one job succeeded: on to benchmarking.
        assertThat(versionStatus(model, version)).isEqualTo("benchmarking");
    }

    @Test
    void aVersionWhoseJobsAllFailIsFailed() throws Exception {
        String model = "jobs-allfail";
        int version = upload(model, reluModel("allfail"));
        for (String id : jobIds(model, version)) {
            WorkerCalls.claim(id);
            WorkerCalls.holder(id).body(Map.of("workerId", "w", "kind", "refused", "reason", "no"))
                    .post("/api/v1/jobs/{id}/fail", id)
                    .then().statusCode(200);
        }
        assertThat(versionStatus(model, version)).isEqualTo("failed");
    }

    @Test
    void workerEndpointsNeedAWorkerKeyAndAKnownJob() throws Exception {
        String model = "jobs-auth";
        int version = upload(model, reluModel("auth"));
        String id = jobIds(model, version).get(0);
        given().contentType("application/json").body("{}").post("/api/v1/jobs/{id}/claim", id).then()
                .statusCode(401).body("type", equalTo(P + "unauthorized"));
        for (String role : new String[] {"reader", "uploader", "promoter"}) {
            for (String action : new String[] {"claim", "progress", "fail", "variant"}) {
                given().auth().oauth2(key(role)).contentType("application/json").body("{}")
                        .post("/api/v1/jobs/{id}/" + action, id).then().statusCode(403)
                        .contentType("application/problem+json").body("type", equalTo(P + "forbidden"));
            }
        }
        given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", id).then().statusCode(200)
                .body("status", equalTo("queued"));
        worker().body("{}").post("/api/v1/jobs/{id}/claim", "3b8a3f51-0000-0000-0000-000000000000").then()
                .statusCode(404).body("type", equalTo(P + "job-not-found"));
        worker().body("{}").post("/api/v1/jobs/{id}/claim", "not-a-uuid").then().statusCode(404);
        given().auth().oauth2(key("reader")).get("/api/v1/variants/{id}", "nope").then().statusCode(404)
                .body("type", equalTo(P + "variant-not-found"));
    }
}
