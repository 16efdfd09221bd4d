package dev.modelforge.registry.job;

import static dev.modelforge.registry.RegistryTestSupport.ADMIN_KEY;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.objectKeys;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.s3;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.jobs;
import static dev.modelforge.registry.planner.PipelineTestSupport.storeContentAddressed;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.variants;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.job.Leases;
import dev.modelforge.localstack.LocalStackTestResource;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 A: only worker keys act as workers, only the lease holder reports, and the registry checks the bytes and
 * figures a worker claims. Every refusal is problem+json with a stable type and changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class WorkerTrustTest {
    private static final String P = "https://modelforge.dev/problems/";

    private static String firstJob(String model, int version) throws Exception {
        return jobs(model, version).get(0).get("id").asText();
    }

    private static Map<String, Object> registration(String sha, long size) {
        return Map.of("workerId", "w-trust", "toolVersion", "core/trust",
                "artifact", Map.of("storageKey", "sha256/" + sha, "sha256", sha, "sizeBytes", size),
                "report", Map.of("passes", List.of()));
    }

    /** The baseline's benchmark job on some profile: queued as soon as the version is uploaded. */
    private static JsonNode baselineBenchmarkJob(String model, int version) throws Exception {
        return JSON.readTree(given().auth().oauth2(key("reader"))
                .get("/api/v1/models/{m}/versions/{v}/benchmark-jobs", model, version).then().statusCode(200)
                .extract().asString()).get(0);
    }

    @Test
    void humanAndCiKeysCannotActAsWorkers() throws Exception {
        String model = "trust-roles";
        int version = upload(model, reluModel("trust-roles"));
        String job = firstJob(model, version);
        JsonNode bench = baselineBenchmarkJob(model, version);
        String sha = storeContentAddressed("forged variant".getBytes(StandardCharsets.UTF_8));
        for (String role : List.of("reader", "uploader", "promoter")) {
            Map<String, Object> calls = new LinkedHashMap<>();
            calls.put("/api/v1/jobs/" + job + "/claim", Map.of("workerId", "x"));
            calls.put("/api/v1/jobs/" + job + "/progress", Map.of("progressPercent", 1));
            calls.put("/api/v1/jobs/" + job + "/fail", Map.of("kind", "dead", "reason", "x"));
            calls.put("/api/v1/jobs/" + job + "/variant", registration(sha, 14));
            calls.put("/api/v1/benchmark-jobs/" + bench.get("id").asText() + "/start", Map.of("workerId", "x"));
            calls.put("/api/v1/benchmark-jobs/" + bench.get("id").asText() + "/heartbeat", Map.of());
            calls.put("/api/v1/variants/" + bench.get("variantId").asText() + "/benchmarks",
                    BenchmarkBodies.ok(bench.get("id").asText(), 0.001));
            calls.forEach((path, body) -> given().auth().oauth2(key(role)).contentType("application/json")
                    .header(Leases.TOKEN_HEADER, "guessed").body(body).post(path).then().statusCode(403)
                    .contentType("application/problem+json").body("type", equalTo(P + "forbidden")));
        }
        // Nothing moved: the job is still queued, no variant besides the baseline, no result.
        given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", job).then().body("status", equalTo("queued"));
        assertThat(variants(model, version)).hasSize(1);
        given().auth().oauth2(key("reader")).get("/api/v1/benchmark-jobs/{id}", bench.get("id").asText()).then()
                .body("status", equalTo("queued"));
        // A worker key reads what it needs but is no uploader.
        given().auth().oauth2(key("worker")).get("/api/v1/jobs/{id}", job).then().statusCode(200);
        given().auth().oauth2(key("worker")).contentType("application/octet-stream").body(reluModel("by-worker"))
                .post("/api/v1/models/{m}/versions", model).then().statusCode(403)
                .body("type", equalTo(P + "forbidden"));
        given().auth().oauth2(key("worker")).contentType("application/json")
                .body(Map.of("name", "escalate", "role", "admin")).post("/api/v1/api-keys").then().statusCode(403);
    }

    @Test
    void onlyTheLeaseHolderReports() throws Exception {
        String model = "trust-lease";
        int version = upload(model, reluModel("trust-lease"));
        String job = firstJob(model, version);
        Response claimed = WorkerCalls.worker().body(Map.of("workerId", "w-a")).post("/api/v1/jobs/{id}/claim", job);
        claimed.then().statusCode(200).body("status", equalTo("running"));
        String token = claimed.header(Leases.TOKEN_HEADER);
        Instant expires = Instant.parse(claimed.header(Leases.EXPIRES_HEADER));
        assertThat(token).isNotBlank();
        assertThat(expires).isAfter(Instant.now());
        // The token is the holder's secret: no read shows it.
        assertThat(given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", job).asString()).doesNotContain(token);

        String otherWorker = given().auth().oauth2(ADMIN_KEY).contentType("application/json")
                .body(Map.of("name", "trust-other-worker", "role", "worker")).post("/api/v1/api-keys")
                .then().statusCode(201).body("key.role", equalTo("worker")).extract().path("secret");
        Map<String, Object> progress = Map.of("workerId", "w-x", "progressPercent", 50);
        WorkerCalls.worker().body(progress).post("/api/v1/jobs/{id}/progress", job).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(P + "lease-lost"))
                .body("detail", containsString("X-Lease-Token"));
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, token + "x").body(progress)
                .post("/api/v1/jobs/{id}/progress", job).then().statusCode(409).body("type", equalTo(P + "lease-lost"));
        // The right token from another worker's key is not the lease either.
        given().auth().oauth2(otherWorker).contentType("application/json").header(Leases.TOKEN_HEADER, token)
                .body(progress).post("/api/v1/jobs/{id}/progress", job).then().statusCode(409)
                .body("type", equalTo(P + "lease-lost"));
        given().auth().oauth2(otherWorker).contentType("application/json").body(Map.of("workerId", "w-b"))
                .post("/api/v1/jobs/{id}/claim", job).then().statusCode(409).body("type", equalTo(P + "lease-held"));
        byte[] bytes = "variant by the holder".getBytes(StandardCharsets.UTF_8);
        String sha = storeContentAddressed(bytes);
        given().auth().oauth2(otherWorker).contentType("application/json").header(Leases.TOKEN_HEADER, token)
                .body(registration(sha, bytes.length)).post("/api/v1/jobs/{id}/variant", job).then().statusCode(409)
                .body("type", equalTo(P + "lease-lost"));
        given().auth().oauth2(otherWorker).contentType("application/json").header(Leases.TOKEN_HEADER, token)
                .body(Map.of("kind", "dead", "reason", "sabotage")).post("/api/v1/jobs/{id}/fail", job).then()
                .statusCode(409).body("type", equalTo(P + "lease-lost"));
        assertThat(variants(model, version)).hasSize(1);

        // The holder's progress is its heartbeat: the lease runs again from now.
        Thread.sleep(20);
        Response beat = WorkerCalls.worker().header(Leases.TOKEN_HEADER, token).body(progress)
                .post("/api/v1/jobs/{id}/progress", job);
        beat.then().statusCode(200).body("progressPercent", equalTo(50));
        assertThat(Instant.parse(beat.header(Leases.EXPIRES_HEADER))).isAfter(expires);
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, token).body(registration(sha, bytes.length))
                .post("/api/v1/jobs/{id}/variant", job).then().statusCode(201);
        // Finished: the holder's retry is answered, anybody else's report is job-finished.
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, token).body(registration(sha, bytes.length))
                .post("/api/v1/jobs/{id}/variant", job).then().statusCode(200);
        given().auth().oauth2(otherWorker).contentType("application/json").header(Leases.TOKEN_HEADER, "x")
                .body(registration(sha, bytes.length)).post("/api/v1/jobs/{id}/variant", job).then().statusCode(409)
                .body("type", equalTo(P + "job-finished"));
    }

    @Test
    void aVariantMustBeTheBytesTheWorkerClaims() throws Exception {
        String model = "trust-bytes";
        int version = upload(model, reluModel("trust-bytes"));
        String job = firstJob(model, version);
        WorkerCalls.claim(job);
        byte[] bytes = "the real variant bytes".getBytes(StandardCharsets.UTF_8);
        String sha = storeContentAddressed(bytes);
        // Another size than the object has.
        WorkerCalls.holder(job).body(registration(sha, bytes.length + 1)).post("/api/v1/jobs/{id}/variant", job)
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo(P + "artifact-mismatch")).body("detail", containsString("bytes, not the stated"));
        // Other bytes under a content address: the registry re-hashes, refuses and removes the object.
        byte[] claimed = "what the worker says it stored".getBytes(StandardCharsets.UTF_8);
        byte[] forged = "what it really stored, same le".getBytes(StandardCharsets.UTF_8);
        assertThat(forged).hasSameSizeAs(claimed);
        String claimedSha = sha256(claimed);
        String bucket = ConfigProvider.getConfig().getValue("modelforge.storage.bucket", String.class);
        s3().putObject(PutObjectArgs.builder().bucket(bucket).object("sha256/" + claimedSha)
                .stream(new ByteArrayInputStream(forged), forged.length, -1).build());
        WorkerCalls.holder(job).body(registration(claimedSha, claimed.length)).post("/api/v1/jobs/{id}/variant", job)
                .then().statusCode(422).body("type", equalTo(P + "artifact-mismatch"))
                .body("detail", containsString("hashes to " + sha256(forged)));
        assertThat(objectKeys()).doesNotContain("sha256/" + claimedSha);
        assertThat(variants(model, version)).hasSize(1);
        given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", job).then().body("status", equalTo("running"));
        // The true claim is accepted.
        WorkerCalls.holder(job).body(registration(sha, bytes.length)).post("/api/v1/jobs/{id}/variant", job)
                .then().statusCode(201).body("sha256", equalTo(sha)).body("sizeBytes", equalTo(bytes.length));
    }

    @Test
    void benchmarkFiguresAreRangeCheckedAndTheSizeIsTheRegistrys() throws Exception {
        String model = "trust-figures";
        int version = upload(model, reluModel("trust-figures"));
        JsonNode bench = baselineBenchmarkJob(model, version);
        String job = bench.get("id").asText();
        String variant = bench.get("variantId").asText();
        WorkerCalls.start(job);
        List<Map<String, Object>> implausible = List.of(
                BenchmarkBodies.with(BenchmarkBodies.ok(job, 2.0), "latency", BenchmarkBodies.latency(2.0, 1.0, 3.0)),
                BenchmarkBodies.with(BenchmarkBodies.ok(job, 2.0), "latency", BenchmarkBodies.latency(-1.0, 1.0, 3.0)),
                BenchmarkBodies.with(BenchmarkBodies.ok(job, 2.0), "accuracy",
                        Map.of("kind", "LABELS", "samples", 10, "output", "y", "top1Accuracy", 1.5)),
                BenchmarkBodies.with(BenchmarkBodies.ok(job, 2.0), "peakRssMb", -3.0),
                BenchmarkBodies.with(BenchmarkBodies.ok(job, 2.0), "throughput",
                        List.of(Map.of("batchSize", 1, "samplesPerSecond", -5.0))));
        for (Map<String, Object> body : implausible) {
            WorkerCalls.holder(job).body(body).post("/api/v1/variants/{id}/benchmarks", variant).then()
                    .statusCode(422).contentType("application/problem+json")
                    .body("type", equalTo(P + "benchmark-result-invalid"));
        }
        given().auth().oauth2(key("reader")).get("/api/v1/variants/{id}/benchmarks", variant).then()
                .body("size()", equalTo(0));
        long artifactSize = variants(model, version).get(0).get("sizeBytes").asLong();
        // A plausible result is stored, with the size the registry measured, not the worker's "1".
        WorkerCalls.holder(job).body(BenchmarkBodies.with(BenchmarkBodies.ok(job, 2.0), "sizeBytes", 1))
                .post("/api/v1/variants/{id}/benchmarks", variant).then().statusCode(201)
                .body("sizeBytes", equalTo((int) artifactSize));
        given().auth().oauth2(key("reader")).get("/api/v1/variants/{id}/benchmarks", variant).then()
                .body("[0].sizeBytes", equalTo((int) artifactSize));
    }

    @Test
    void theBootstrapWorkerKeyIsAWorkerAndNothingMore() throws Exception {
        String bootstrapKey = "mf_test-bootstrap-worker-key-0123456789"; // %test.modelforge.auth.bootstrap-worker-keys
        given().auth().oauth2(ADMIN_KEY).get("/api/v1/api-keys").then().statusCode(200)
                .body("find { it.name == 'test-bootstrap-worker' }.role", equalTo("worker"));
        String model = "trust-bootstrap";
        int version = upload(model, reluModel("trust-bootstrap"));
        String job = firstJob(model, version);
        given().auth().oauth2(bootstrapKey).contentType("application/json").body(Map.of("workerId", "w-boot"))
                .post("/api/v1/jobs/{id}/claim", job).then().statusCode(200);
        given().auth().oauth2(bootstrapKey).get("/api/v1/api-keys").then().statusCode(403);
        given().auth().oauth2(bootstrapKey).contentType("application/json").body("{}")
                .post("/api/v1/models/{m}/promotions", model).then().statusCode(403);
    }
}
