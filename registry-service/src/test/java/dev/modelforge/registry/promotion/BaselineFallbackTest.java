package dev.modelforge.registry.promotion;

import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.promotion.PromotionTestSupport.as;
import static dev.modelforge.registry.promotion.PromotionTestSupport.bytes;
import static dev.modelforge.registry.promotion.PromotionTestSupport.finishInt8Job;
import static dev.modelforge.registry.promotion.PromotionTestSupport.get;
import static dev.modelforge.registry.promotion.PromotionTestSupport.postResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A profile where nothing compressed beats the original still gets a runnable answer, marked as the baseline
 * fallback in best and the history; where the original breaks a hard limit of the device, best stays a 404 that says
 * so. The profiles' policies say nothing about the fallback: it is the default.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class BaselineFallbackTest {
    static final String MODEL = "fallback-model";
    static final String ROOMY = "pt-fallback-roomy";
    static final String TIGHT = "pt-fallback-tight";

    private static void profile(String name, Map<String, Object> limits) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("description", "baseline fallback test profile");
        body.put("hardware", Map.of("arch", "x86_64", "cores", 5, "memoryMb", 5000, "isaFeatures", List.of()));
        body.put("runtime", Map.of("executionProvider", "cpu", "intraOpThreads", 1, "interOpThreads", 1,
                "graphOptimizationLevel", "all"));
        body.put("limits", limits);
        body.put("recipes", List.of(Map.of("steps", List.of(Map.of("name", "int8-dynamic", "params", Map.of())))));
        body.put("policy", JSON.readTree("{\"constraints\": {\"maxAccuracyDropPoints\": 1.0}}"));
        as("admin").body(body).put("/api/v1/device-profiles/{name}", name).then().statusCode(201);
    }

    @Test
    void theOriginalServesWhereItCanRunAndA404SaysWhyWhereItCannot() throws Exception {
        profile(ROOMY, Map.of());
        profile(TIGHT, Map.of("maxP95LatencyMillis", 11.0));
        try {
            upload(MODEL, reluModel(MODEL));
            String base = PromotionFlowTest.baselineOfModel(MODEL, 1);
            String int8 = finishInt8Job(MODEL, 1, bytes("int8-fallback"));
            for (String profile : List.of(ROOMY, TIGHT)) {
                // The original: p95 12 ms. int8 measured slower (ratio 1.2): not eligible anywhere.
                postResult(MODEL, 1, base, profile, 10, null, 0.9, 1000).statusCode(201);
                postResult(MODEL, 1, int8, profile, 12, 1.2, 0.9, 400).statusCode(201);
            }

            as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, ROOMY).then().statusCode(200)
                    .body("variantId", equalTo(base)).body("fallback", equalTo("baseline"))
                    .body("fallbackReason", containsString("no compressed variant is eligible"));
            JsonNode decision = get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, ROOMY).get(0);
            assertThat(decision.get("outcome").asText()).isEqualTo("promoted");
            assertThat(decision.get("fallback").asText()).isEqualTo("baseline");
            assertThat(decision.get("reason").asText()).contains(PolicyEngine.FALLBACK_MARK);

            as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, TIGHT).then().statusCode(404)
                    .body("type", equalTo(PromotionFlowTest.P + "nothing-promoted"))
                    .body("detail", containsString("the original cannot serve here either"))
                    .body("detail", containsString("p95 latency 12.0 ms > limit 11.0 ms (device limit)"));
            JsonNode none = get("reader", "/api/v1/models/{m}/promotions?device={d}", MODEL, TIGHT).get(0);
            assertThat(none.get("outcome").asText()).isEqualTo("nothing_eligible");
            assertThat(none.get("fallback").isNull()).isTrue();

            // A manual promotion of the original is a person's choice, not the fallback.
            as("promoter").body(Map.of("device", TIGHT, "variantId", base, "reason", "hand-deployed anyway"))
                    .post("/api/v1/models/{m}/promotions", MODEL).then().statusCode(201);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(1)).untilAsserted(() ->
                    as("reader").get("/api/v1/models/{m}/best?device={d}", MODEL, TIGHT).then().statusCode(200)
                            .body("variantId", equalTo(base)).body("fallback", equalTo(null)));
        } finally {
            as("admin").delete("/api/v1/device-profiles/{name}", ROOMY).then().statusCode(204);
            as("admin").delete("/api/v1/device-profiles/{name}", TIGHT).then().statusCode(204);
        }
    }

    @Test
    void seededProfilesStateTheFallbackExplicitly() throws Exception {
        for (String seeded : List.of("x86-server", "arm64-mobile", "iot-1core", "gpu-fp16")) {
            JsonNode p = get("reader", "/api/v1/device-profiles/{p}", seeded);
            assertThat(p.at("/policy/fallbackToBaseline").asBoolean(false)).as(seeded).isTrue();
        }
    }
}
