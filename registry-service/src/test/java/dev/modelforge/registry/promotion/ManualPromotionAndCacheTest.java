package dev.modelforge.registry.promotion;

import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.awaitRecords;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.promotion.PromotionTestSupport.as;
import static dev.modelforge.registry.promotion.PromotionTestSupport.bytes;
import static dev.modelforge.registry.promotion.PromotionTestSupport.finishInt8Job;
import static dev.modelforge.registry.promotion.PromotionTestSupport.get;
import static dev.modelforge.registry.promotion.PromotionTestSupport.postResult;
import static dev.modelforge.registry.promotion.PromotionTestSupport.putProfile;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.localstack.LocalStackTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Manual promotion, rollback, the audit log's "what served at T", cache invalidation (local and via Kafka),
 * re-benchmarking and the roles of the mutating endpoints. One model with a baseline and an int8 variant.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManualPromotionAndCacheTest {
    static final String MODEL = "promo-manual";
    static final String PROFILE = "pt-manual";

    static String base;
    static String int8;
    static Instant policyTime;

    @Inject
    AgroalDataSource db;

    /** Once, from the first test (RestAssured is not set up in @BeforeAll): the policy's champion is int8. */
    static synchronized void championByPolicy() throws Exception {
        if (int8 != null) {
            return;
        }
        putProfile(PROFILE, "x86_64", 3, 3000, List.of("avx2"), "{}");
        upload(MODEL, reluModel("promo-manual"));
        base = PromotionFlowTest.baselineOfModel(MODEL, 1);
        int8 = finishInt8Job(MODEL, 1, bytes("int8-manual"));
        postResult(MODEL, 1, base, PROFILE, 10, null, 0.9, 1000).statusCode(201);
        postResult(MODEL, 1, int8, PROFILE, 4, 0.4, 0.9, 400).statusCode(201);
        JsonNode p = get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, PROFILE).get(0);
        assertThat(p.get("variantId").asText()).isEqualTo(int8);
        policyTime = Instant.parse(p.get("effectiveAt").asText());
    }

    @Test
    @Order(99)
    void removeProfile() {
        as("admin").delete("/api/v1/device-profiles/{name}", PROFILE).then().statusCode(204);
    }

    @Test
    @Order(1)
    void manualPromotionAndRollbackAreRecordedAndServedWithinOneSecond() throws Exception {
        championByPolicy();
        assertThat(best()).isEqualTo(int8); // now cached
        as("promoter").body(Map.of("device", PROFILE, "variantId", base, "reason", "int8 breaks on old firmware"))
                .post("/api/v1/models/{m}/promotions", MODEL).then().statusCode(201)
                .body("kind", equalTo("manual")).body("variantId", equalTo(base))
                .body("previousVariantId", equalTo(int8)).body("decidedBy", equalTo(dev.modelforge.registry.RegistryTestSupport.actor("promoter")));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> best().equals(base));

        as("promoter").body(Map.of("device", PROFILE, "reason", "firmware fixed"))
                .post("/api/v1/models/{m}/promotions/rollback", MODEL).then().statusCode(201)
                .body("kind", equalTo("rollback")).body("variantId", equalTo(int8))
                .body("reason", equalTo("firmware fixed"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> best().equals(int8));

        JsonNode history = get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, PROFILE);
        assertThat(history).hasSize(3);
        assertThat(history.get(0).get("kind").asText()).isEqualTo("rollback");
        assertThat(history.get(1).get("kind").asText()).isEqualTo("manual");
        assertThat(history.get(2).get("kind").asText()).isEqualTo("policy");
        JsonNode atPolicy = get("reader", "/api/v1/models/{m}/promotions?device={d}&at={t}", MODEL, PROFILE,
                policyTime.toString());
        assertThat(atPolicy).hasSize(1);
        assertThat(atPolicy.get(0).get("kind").asText()).isEqualTo("policy");
        assertThat(get("reader", "/api/v1/models/{m}/promotions?device={d}&at={t}", MODEL, PROFILE,
                policyTime.minusSeconds(1).toString())).isEmpty();

        as("promoter").body(Map.of("device", PROFILE, "variantId", UUID.randomUUID().toString(), "reason", "x"))
                .post("/api/v1/models/{m}/promotions", MODEL).then().statusCode(422)
                .body("type", equalTo(PromotionFlowTest.P + "promotion-invalid"));
        as("promoter").body(Map.of("device", PROFILE, "variantId", base))
                .post("/api/v1/models/{m}/promotions", MODEL).then().statusCode(400)
                .body("detail", containsString("reason"));
        assertThat(get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, PROFILE)).hasSize(3);
    }

    /** Another replica's promotion: the database changes behind this instance, only the Kafka event tells it. */
    @Test
    @Order(2)
    void aPromotionEventFromAnotherReplicaInvalidatesTheCache() throws Exception {
        championByPolicy();
        assertThat(best()).isEqualTo(int8);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "insert into promotion (id, model_id, profile, kind, outcome, variant_id, reason, verdicts, decided_by,"
                        + " decided_at, effective_at) select ?, id, ?, 'MANUAL', 'PROMOTED', ?, 'other replica', '[]',"
                        + " 'test', now(), now() from model where name = ?")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, PROFILE);
            s.setObject(3, UUID.fromString(base));
            s.setString(4, MODEL);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        assertThat(best()).as("served from the cache until told").isEqualTo(int8);
        Properties p = new Properties();
        p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (var producer = new KafkaProducer<String, String>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Promotion.TOPIC, "x",
                    "{\"modelName\":\"" + MODEL + "\",\"device\":\"" + PROFILE + "\"}")).get();
        }
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> best().equals(base));
    }

    /**
     * The version's last compression job fails after its baseline was measured: no result arrives to trigger the
     * decision, so the sweep must notice the benchmarks are complete and decide (nothing eligible, champion stays).
     */
    @Test
    @Order(3)
    void theSweepDecidesWhenAFailedCompressionJobCompletesTheVersion() throws Exception {
        championByPolicy();
        assertThat(upload(MODEL, reluModel("promo-manual-v2"))).isEqualTo(2);
        String base2 = PromotionFlowTest.baselineOfModel(MODEL, 2);
        postResult(MODEL, 2, base2, PROFILE, 10, null, 0.9, 1000).statusCode(201);
        assertThat(latestDecision().get("decidedVersion").asInt()).as("int8 still compressing").isEqualTo(1);
        String job = null;
        for (JsonNode j : dev.modelforge.registry.planner.PipelineTestSupport.jobs(MODEL, 2)) {
            if (j.toString().contains("int8-dynamic")) {
                job = j.get("id").asText();
            }
        }
        dev.modelforge.registry.job.WorkerCalls.claim(job);
        dev.modelforge.registry.job.WorkerCalls.holder(job).body(Map.of("workerId", "w-promo", "kind", "refused", "reason", "nothing to quantize"))
                .post("/api/v1/jobs/{id}/fail", job).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> latestDecision().get("decidedVersion").asInt() == 2);
        JsonNode d = latestDecision();
        assertThat(d.get("outcome").asText()).isEqualTo("nothing_eligible");
        assertThat(d.get("variantId").asText()).as("the champion keeps serving").isEqualTo(base);
        assertThat(d.get("reason").asText()).contains("keeps serving");
    }

    private static JsonNode latestDecision() throws Exception {
        for (JsonNode p : get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, PROFILE)) {
            if (p.get("kind").asText().equals("policy")) {
                return p;
            }
        }
        throw new AssertionError("no policy decision");
    }

    @Test
    @Order(4)
    void rebenchmarkRequeuesOnlyResultsOfAnotherRuntime() throws Exception {
        championByPolicy();
        as("admin").body(Map.of("runtimeVersion", "1.23.2")).post("/api/v1/device-profiles/{p}/rebenchmark", PROFILE)
                .then().statusCode(200).body("queued.size()", equalTo(0));
        List<String> queued = as("admin").body(Map.of("runtimeVersion", "1.24.0"))
                .post("/api/v1/device-profiles/{p}/rebenchmark", PROFILE).then().statusCode(200)
                .extract().path("queued");
        assertThat(queued).hasSize(3);
        assertThat(awaitRecords(BenchmarkJob.TOPIC, 3, n -> queued.contains(n.path("jobId").asText())
                && n.path("reason").asText().equals("rebenchmark"))).hasSize(3);
        as("admin").body(Map.of("runtimeVersion", "1.24.0")).post("/api/v1/device-profiles/{p}/rebenchmark", PROFILE)
                .then().statusCode(200).body("queued.size()", equalTo(0));
        as("admin").body(Map.of()).post("/api/v1/device-profiles/{p}/rebenchmark", PROFILE).then().statusCode(400);
        as("admin").body(Map.of("runtimeVersion", "1")).post("/api/v1/device-profiles/{p}/rebenchmark", "nope")
                .then().statusCode(404);
    }

    @Test
    @Order(5)
    void mutatingEndpointsNeedTheirRole() throws Exception {
        championByPolicy();
        String anyId = UUID.randomUUID().toString();
        Map<String, String> endpoints = Map.of(
                "/api/v1/variants/" + base + "/benchmarks", "reader",
                "/api/v1/benchmark-jobs/" + anyId + "/start", "reader",
                "/api/v1/promotions/" + anyId + "/approve", "uploader",
                "/api/v1/promotions/" + anyId + "/reject", "uploader",
                "/api/v1/models/" + MODEL + "/promotions", "uploader",
                "/api/v1/models/" + MODEL + "/promotions/rollback", "uploader",
                "/api/v1/device-profiles/" + PROFILE + "/rebenchmark", "promoter");
        endpoints.forEach((path, tooLow) -> {
            given().contentType("application/json").body("{}").post(path).then().statusCode(401);
            as(tooLow).body("{}").post(path).then().statusCode(403);
        });
        given().get("/api/v1/models/{m}/best?device={d}", MODEL, PROFILE).then().statusCode(401);
    }

    private static String best() {
        return as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, PROFILE).then().statusCode(200)
                .extract().path("variantId");
    }
}
