package dev.modelforge.registry.promotion;

import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.awaitRecords;
import static dev.modelforge.registry.planner.PipelineTestSupport.uploadWithEval;
import static dev.modelforge.registry.planner.PipelineTestSupport.variants;
import static dev.modelforge.registry.promotion.PromotionTestSupport.as;
import static dev.modelforge.registry.promotion.PromotionTestSupport.bytes;
import static dev.modelforge.registry.promotion.PromotionTestSupport.finishInt8Job;
import static dev.modelforge.registry.promotion.PromotionTestSupport.get;
import static dev.modelforge.registry.promotion.PromotionTestSupport.postResult;
import static dev.modelforge.registry.promotion.PromotionTestSupport.putProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Upload → benchmark jobs → results → promotion per profile, on the real stack. The tests play the workers through
 * the same REST endpoints they use and share one model (two versions) to keep the suite short, so they run in order.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionFlowTest {
    static final String P = "https://modelforge.dev/problems/";
    static final String MODEL = "promo-flow";
    static final String AUTO = "pt-auto";
    static final String APPROVAL = "pt-approval";
    static final String STRICT = "pt-strict";
    static final String NEWEST = "pt-newest";
    static final List<String> MINE = List.of(AUTO, APPROVAL, STRICT, NEWEST);

    static String base1;
    static String int81;
    static String base2;
    static String int82;

    @Test
    @Order(1)
    void uploadQueuesOneBenchmarkJobPerVariantAndProfile() throws Exception {
        putProfile(AUTO, "arm64", 6, 3000, List.of("neon", "dotprod", "i8mm"),
                "{\"constraints\":{\"maxAccuracyDropPoints\":1.0},\"objectives\":[\"latency\",\"size\"]}");
        putProfile(APPROVAL, "x86_64", 2, 2048, List.of("avx2"), "{\"mode\":\"approval\"}");
        // About one byte: any variant is too big, whatever size its result claims (the registry measures the size).
        putProfile(STRICT, "x86_64", 1, 1024, List.of(), "{\"constraints\":{\"maxSizeMb\":0.000001}}");
        putProfile(NEWEST, "arm64", 2, 1024, List.of("neon"), "{\"preferNewest\":true}");

        assertThat(uploadWithEval(MODEL, reluModel("promo-v1"))).isEqualTo(1);
        base1 = baselineOf(1);
        String sha1 = variants(MODEL, 1).get(0).get("sha256").asText();
        var jobs = awaitRecords(BenchmarkJob.TOPIC, MINE.size(), n -> n.path("variantId").asText().equals(base1)
                && MINE.contains(n.path("deviceProfile").asText()));
        assertThat(jobs).hasSize(MINE.size());
        for (var r : jobs) {
            JsonNode n = PromotionTestSupport.get("reader", "/api/v1/benchmark-jobs/{id}", json(r.value()).get("jobId").asText());
            assertThat(n.get("status").asText()).isEqualTo("queued");
            JsonNode msg = json(r.value());
            assertThat(msg.get("artifact").get("sha256").asText()).isEqualTo(sha1);
            assertThat(msg.get("baseline").isNull()).isTrue();
            assertThat(msg.get("modelName").asText()).isEqualTo(MODEL);
            assertThat(msg.get("profile").get("runtime").get("intraOpThreads").asInt()).isEqualTo(1);
            assertThat(r.key()).isEqualTo(msg.get("modelId").asText());
        }

        as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, AUTO).then().statusCode(404)
                .body("type", equalTo(P + "nothing-promoted"))
                .body("detail", containsString("benchmarks pending: 0 of 1 done, 1 compression job(s) still running for v1"));

        int81 = finishInt8Job(MODEL, 1, bytes("int8-v1"));
        var paired = awaitRecords(BenchmarkJob.TOPIC, MINE.size(), n -> n.path("variantId").asText().equals(int81)
                && MINE.contains(n.path("deviceProfile").asText()));
        for (var r : paired) {
            assertThat(json(r.value()).get("baselineVariantId").asText()).isEqualTo(base1);
            assertThat(json(r.value()).get("baseline").get("sha256").asText()).isEqualTo(sha1);
        }
        as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, AUTO).then().statusCode(404)
                .body("detail", containsString("benchmarks pending: 0 of 2 done"));
    }

    @Test
    @Order(2)
    void resultsPromotePerProfileWithReasonsAndArePostedOnce() throws Exception {
        String job = PromotionTestSupport.benchmarkJob(MODEL, 1, int81, AUTO);
        dev.modelforge.registry.job.WorkerCalls.start(job);
        as("reader").get("/api/v1/benchmark-jobs/{id}", job).then()
                .statusCode(200).body("status", equalTo("running")).body("workerId", equalTo("w-test"));
        postResult(MODEL, 1, base1, AUTO, 10, null, 0.95, 1000).statusCode(201);
        as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, AUTO).then().statusCode(404)
                .body("detail", containsString("benchmarks pending: 1 of 2 done"));
        postResult(MODEL, 1, int81, AUTO, 5, 0.5, 0.948, 400).statusCode(201)
                .body("jobId", equalTo(job)).body("deviceProfile", equalTo(AUTO));

        JsonNode history = get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, AUTO);
        assertThat(history).hasSize(1);
        JsonNode p = history.get(0);
        assertThat(p.get("outcome").asText()).isEqualTo("promoted");
        assertThat(p.get("kind").asText()).isEqualTo("policy");
        assertThat(p.get("decidedBy").asText()).isEqualTo("policy");
        assertThat(p.get("variantId").asText()).isEqualTo(int81);
        assertThat(p.get("reason").asText()).contains("best of 1 eligible").contains("latency x0.5");
        assertThat(p.get("verdicts").get(0).get("rank").asInt()).isEqualTo(1);

        // idempotent: the same job again answers the stored result, changes nothing, emits nothing
        postResult(MODEL, 1, int81, AUTO, 99, 0.9, 0.1, 1).statusCode(200)
                .body("latency.p50Millis", equalTo(5.0f));
        long onAuto = StreamSupport.stream(get("reader", "/api/v1/variants/{id}/benchmarks", int81).spliterator(), false)
                .filter(r -> r.get("deviceProfile").asText().equals(AUTO)).count();
        assertThat(onAuto).isEqualTo(1);
        assertThat(get("reader", "/api/v1/benchmark-jobs/{id}", job).get("status").asText()).isEqualTo("succeeded");
        assertThat(get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, AUTO)).hasSize(1);
        assertThat(awaitRecords(Promotion.TOPIC, 1, n -> n.path("modelName").asText().equals(MODEL)
                && n.path("device").asText().equals(AUTO))).hasSize(1);
        assertThat(awaitRecords(BenchmarkJob.RESULTS_TOPIC, 1, n -> n.path("jobId").asText().equals(job))).hasSize(1);

        // a result for another variant's job, and an incomplete one, are refused and change nothing
        String strictJob = PromotionTestSupport.benchmarkJob(MODEL, 1, int81, STRICT);
        dev.modelforge.registry.job.WorkerCalls.worker()
                .body(PromotionTestSupport.result(strictJob, base1, STRICT, 1, null, 1, 1))
                .post("/api/v1/variants/{id}/benchmarks", base1).then().statusCode(409)
                .body("type", equalTo(P + "benchmark-job-mismatch"));
        dev.modelforge.registry.job.WorkerCalls.worker().body(Map.of("jobId", strictJob))
                .post("/api/v1/variants/{id}/benchmarks", int81).then()
                .statusCode(422).body("type", equalTo(P + "benchmark-result-invalid"));
        assertThat(get("reader", "/api/v1/benchmark-jobs/{id}", strictJob).get("status").asText()).isEqualTo("queued");

        postResult(MODEL, 1, base1, NEWEST, 10, null, 0.95, 1000).statusCode(201);
        postResult(MODEL, 1, int81, NEWEST, 5, 0.5, 0.95, 400).statusCode(201);
        assertThat(latest(NEWEST).get("outcome").asText()).isEqualTo("promoted");
    }

    @Test
    @Order(3)
    void nothingEligibleSaysWhyForEachCandidate() throws Exception {
        postResult(MODEL, 1, base1, STRICT, 10, null, 0.95, 1000).statusCode(201);
        postResult(MODEL, 1, int81, STRICT, 5, 0.5, 0.95, 400).statusCode(201);
        JsonNode p = latest(STRICT);
        assertThat(p.get("outcome").asText()).isEqualTo("nothing_eligible");
        assertThat(p.get("variantId").isNull()).isTrue();
        JsonNode verdict = p.get("verdicts").get(0);
        assertThat(verdict.get("variantId").asText()).isEqualTo(int81);
        assertThat(verdict.get("eligible").asBoolean()).isFalse();
        assertThat(verdict.get("reasons").toString()).contains("MiB > limit");
        as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, STRICT).then().statusCode(404)
                .body("detail", containsString("nothing eligible: no variant met the policy (1 rejected)"));
    }

    @Test
    @Order(4)
    void approvalModeWaitsForAPromoter() throws Exception {
        postResult(MODEL, 1, base1, APPROVAL, 10, null, 0.95, 1000).statusCode(201);
        postResult(MODEL, 1, int81, APPROVAL, 5, 0.5, 0.95, 400).statusCode(201);
        JsonNode p = latest(APPROVAL);
        assertThat(p.get("outcome").asText()).isEqualTo("pending_approval");
        assertThat(p.get("approval").asText()).isEqualTo("pending");
        String id = p.get("id").asText();
        as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, APPROVAL).then().statusCode(404)
                .body("detail", containsString("pending approval: promotion " + id));
        as("uploader").body(Map.of()).post("/api/v1/promotions/{id}/approve", id).then().statusCode(403);
        as("promoter").body(Map.of("comment", "looks good")).post("/api/v1/promotions/{id}/approve", id).then()
                .statusCode(200).body("approval", equalTo("approved"))
                .body("reviewedBy", equalTo(dev.modelforge.registry.RegistryTestSupport.actor("promoter"))).body("reviewComment", equalTo("looks good"));
        as("promoter").body(Map.of()).post("/api/v1/promotions/{id}/reject", id).then().statusCode(409)
                .body("type", equalTo(P + "promotion-not-pending"));
        as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, APPROVAL).then().statusCode(200)
                .body("variantId", equalTo(int81)).body("promotionId", equalTo(id));
    }

    @Test
    @Order(5)
    void bestByProfileAndByDeviceDescriptionAndPareto() throws Exception {
        JsonNode best = get("reader", "/api/v1/models/{m}/best?device={d}", MODEL, AUTO);
        assertThat(best.get("version").asInt()).isEqualTo(1);
        assertThat(best.get("variantId").asText()).isEqualTo(int81);
        assertThat(best.get("resolvedProfile").asBoolean()).isFalse();
        assertThat(best.get("sha256").asText()).isEqualTo(PromotionTestSupport.sha(bytes("int8-v1")));
        assertThat(best.get("downloadUrl").asText()).contains("X-Amz-Signature")
                .contains("/sha256/" + best.get("sha256").asText());
        assertThat(best.get("benchmark").get("latency").get("p50Millis").asDouble()).isEqualTo(5.0);
        JsonNode d = best.get("deltas");
        assertThat(d.get("baselineVariantId").asText()).isEqualTo(base1);
        assertThat(d.get("latencyRatio").asDouble()).isEqualTo(0.5);
        assertThat(d.get("accuracyDeltaPoints").asDouble()).isCloseTo(-0.2, org.assertj.core.data.Offset.offset(1e-9));
        long baseSize = variants(MODEL, 1).get(0).get("sizeBytes").asLong();
        assertThat(d.get("sizeRatio").asDouble()).isEqualTo((double) bytes("int8-v1").length / baseSize);

        JsonNode byDevice = get("reader", "/api/v1/models/{m}/best?arch=arm64&cores=6&memoryMb=3000&isa=neon,dotprod,i8mm,fp16",
                MODEL);
        assertThat(byDevice.get("device").asText()).isEqualTo(AUTO);
        assertThat(byDevice.get("resolvedProfile").asBoolean()).isTrue();
        assertThat(byDevice.get("resolution").asText()).contains("closest of").contains("pt-newest");
        assertThat(byDevice.get("variantId").asText()).isEqualTo(int81);
        as("reader").get("/api/v1/models/{m}/best?arch=riscv64&cores=4", MODEL).then().statusCode(404)
                .body("type", equalTo(P + "no-matching-profile")).body("detail", containsString("needs arch"));

        JsonNode pareto = get("reader", "/api/v1/models/{m}/versions/1/pareto?device={d}", MODEL, NEWEST);
        Map<String, Boolean> optimal = StreamSupport.stream(pareto.spliterator(), false).collect(Collectors.toMap(
                n -> n.get("variantId").asText(), n -> n.get("paretoOptimal").asBoolean()));
        // same accuracy, faster and smaller: the int8 variant dominates the baseline on pt-newest
        assertThat(optimal).containsEntry(int81, true).containsEntry(base1, false);
    }

    @Test
    @Order(6)
    void worseSecondVersionKeepsTheChampionUnlessThePolicyPrefersNewest() throws Exception {
        assertThat(uploadWithEval(MODEL, reluModel("promo-v2"))).isEqualTo(2);
        base2 = baselineOf(2);
        int82 = finishInt8Job(MODEL, 2, bytes("int8-v2"));
        for (String profile : List.of(AUTO, NEWEST)) {
            postResult(MODEL, 2, base2, profile, 10, null, 0.95, 1000).statusCode(201);
            postResult(MODEL, 2, int82, profile, 8, 0.8, 0.95, 400).statusCode(201);
        }
        JsonNode kept = latest(AUTO);
        assertThat(kept.get("outcome").asText()).isEqualTo("kept_champion");
        assertThat(kept.get("variantId").asText()).isEqualTo(int81);
        assertThat(kept.get("decidedVersion").asInt()).isEqualTo(2);
        assertThat(kept.get("reason").asText()).contains("champion").contains("stays");
        assertThat(get("reader", "/api/v1/models/{m}/best?device={d}", MODEL, AUTO).get("variantId").asText())
                .isEqualTo(int81);

        JsonNode newest = latest(NEWEST);
        assertThat(newest.get("outcome").asText()).isEqualTo("promoted");
        assertThat(newest.get("variantId").asText()).isEqualTo(int82);
        assertThat(newest.get("previousVariantId").asText()).isEqualTo(int81);
        assertThat(newest.get("reason").asText()).contains("prefers the newest");

        // approval mode: a better v2 waits, and a rejection leaves v1 serving
        postResult(MODEL, 2, base2, APPROVAL, 10, null, 0.95, 1000).statusCode(201);
        postResult(MODEL, 2, int82, APPROVAL, 3, 0.3, 0.95, 400).statusCode(201);
        JsonNode pending = latest(APPROVAL);
        assertThat(pending.get("approval").asText()).isEqualTo("pending");
        as("promoter").body(Map.of("comment", "not this week")).post("/api/v1/promotions/{id}/reject",
                pending.get("id").asText()).then().statusCode(200).body("approval", equalTo("rejected"));
        assertThat(get("reader", "/api/v1/models/{m}/best?device={d}", MODEL, APPROVAL).get("variantId").asText())
                .isEqualTo(int81);
    }

    static JsonNode latest(String profile) throws Exception {
        return get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, profile).get(0);
    }

    static String baselineOf(int version) throws Exception {
        return baselineOfModel(MODEL, version);
    }

    static String baselineOfModel(String model, int version) throws Exception {
        for (JsonNode v : variants(model, version)) {
            if (v.get("toolVersion").asText().equals("baseline")) {
                return v.get("id").asText();
            }
        }
        throw new AssertionError("no baseline variant for v" + version);
    }

    static JsonNode json(String s) throws Exception {
        return dev.modelforge.registry.planner.PipelineTestSupport.JSON.readTree(s);
    }

    /** Last: our profiles must not leak into other test classes' plans (RestAssured is not set up in @AfterAll). */
    @Test
    @Order(99)
    void removeTestProfiles() {
        for (String p : MINE) {
            as("admin").delete("/api/v1/device-profiles/{name}", p).then().statusCode(204);
        }
    }

}
