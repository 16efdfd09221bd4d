package dev.modelforge.registry.promotion;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.uploadWithEval;
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
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 13, points 5, 6 and 8 on the real stack: a newer version does not replace a more accurate champion, waits for
 * approval when accuracy cannot be compared or the signature changed; archived versions are never promoted and a
 * serving version cannot be archived; a stale pending decision cannot be approved.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrustedPromotionTest {
    static final String P = "https://modelforge.dev/problems/";
    static final String PROFILE = "pt-trust";
    /** trust-gate's first champion. */
    static String gateInt81;

    /** Uploads a version, finishes its int8 job and posts baseline and int8 results; returns the int8 variant. */
    private static String measured(String model, int version, double int8P50, double accuracy) throws Exception {
        String base = PromotionFlowTest.baselineOfModel(model, version);
        String int8 = finishInt8Job(model, version, bytes("int8-" + model + "-v" + version));
        postResult(model, version, base, PROFILE, 10, null, accuracy, 1000).statusCode(201);
        postResult(model, version, int8, PROFILE, int8P50, int8P50 / 10, accuracy, 400).statusCode(201);
        return int8;
    }

    private static JsonNode latest(String model) throws Exception {
        return get("reader", "/api/v1/models/{m}/promotions?device={d}", model, PROFILE).get(0);
    }

    private static String best(String model) {
        return as("reader").get("/api/v1/models/{m}/best?device={d}", model, PROFILE).then().statusCode(200)
                .extract().path("variantId");
    }

    @Test
    @Order(1)
    void aLessAccurateVersionOnTheSameEvalSetDoesNotReplaceTheChampion() throws Exception {
        putProfile(PROFILE, "x86_64", 3, 2500, List.of("avx2"), "{}");
        String model = "trust-gate";
        assertThat(uploadWithEval(model, reluModel("gate-v1"))).isEqualTo(1);
        String int81 = measured(model, 1, 5, 0.90);
        gateInt81 = int81;
        assertThat(latest(model).get("outcome").asText()).isEqualTo("promoted");

        // faster, but 10 points less accurate on the same eval set: refused, with the reason recorded
        assertThat(uploadWithEval(model, reluModel("gate-v2"))).isEqualTo(2);
        String int82 = measured(model, 2, 2, 0.80);
        JsonNode refused = latest(model);
        assertThat(refused.get("decidedVersion").asInt()).isEqualTo(2);
        assertThat(refused.get("outcome").asText()).isEqualTo("nothing_eligible");
        assertThat(refused.get("variantId").asText()).isEqualTo(int81);
        JsonNode verdict = refused.get("verdicts").get(0);
        assertThat(verdict.get("variantId").asText()).isEqualTo(int82);
        assertThat(verdict.get("reasons").toString()).contains("less accurate than champion").contains("80.00% vs 90.00%");
        assertThat(best(model)).isEqualTo(int81);

        // as accurate and faster: replaces it
        assertThat(uploadWithEval(model, reluModel("gate-v3"))).isEqualTo(3);
        String int83 = measured(model, 3, 3, 0.91);
        JsonNode promoted = latest(model);
        assertThat(promoted.get("outcome").asText()).isEqualTo("promoted");
        assertThat(promoted.get("variantId").asText()).isEqualTo(int83);
        assertThat(best(model)).isEqualTo(int83);
    }

    @Test
    @Order(2)
    void theServingVersionCannotBeArchivedAndAnArchivedOneIsNeverPromoted() throws Exception {
        String model = "trust-gate";
        String int83 = best(model);
        as("promoter").delete("/api/v1/models/{m}/versions/3", model).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(P + "version-serving"))
                .body("detail", containsString(PROFILE));
        as("promoter").delete("/api/v1/models/{m}", model).then().statusCode(409)
                .body("type", equalTo(P + "version-serving")).body("detail", containsString("version 3 serves"));
        as("reader").get("/api/v1/models/{m}/versions/3", model).then().statusCode(200).body("status", org.hamcrest.Matchers.not("archived"));

        as("promoter").delete("/api/v1/models/{m}/versions/1", model).then().statusCode(200)
                .body("status", equalTo("archived"));
        as("promoter").body(Map.of("device", PROFILE, "variantId", gateInt81, "reason", "back to v1"))
                .post("/api/v1/models/{m}/promotions", model).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(P + "version-archived"));
        assertThat(best(model)).isEqualTo(int83);
    }

    @Test
    @Order(3)
    void withoutASharedEvalSetReplacingTheChampionWaitsForApprovalAndAStaleApprovalIsRefused() throws Exception {
        String model = "trust-noeval";
        assertThat(upload(model, reluModel("noeval-v1"))).isEqualTo(1);
        String int81 = measured(model, 1, 5, 0.90);
        assertThat(best(model)).isEqualTo(int81);

        assertThat(upload(model, reluModel("noeval-v2"))).isEqualTo(2);
        String int82 = measured(model, 2, 2, 0.95);
        JsonNode pending = latest(model);
        assertThat(pending.get("outcome").asText()).isEqualTo("pending_approval");
        assertThat(pending.get("variantId").asText()).isEqualTo(int82);
        assertThat(pending.get("reason").asText()).contains("needs a promoter's approval")
                .contains("accuracy cannot be compared with the champion");
        assertThat(best(model)).isEqualTo(int81);

        // a promoter pins another variant meanwhile: the pending decision is overtaken
        String base1 = PromotionFlowTest.baselineOfModel(model, 1);
        as("promoter").body(Map.of("device", PROFILE, "variantId", base1, "reason", "pin the original"))
                .post("/api/v1/models/{m}/promotions", model).then().statusCode(201);
        as("promoter").body(Map.of()).post("/api/v1/promotions/{id}/approve", pending.get("id").asText()).then()
                .statusCode(409).contentType("application/problem+json").body("type", equalTo(P + "promotion-stale"))
                .body("detail", containsString("manual"));
        assertThat(best(model)).isEqualTo(base1);
        as("promoter").body(Map.of("comment", "overtaken")).post("/api/v1/promotions/{id}/reject",
                pending.get("id").asText()).then().statusCode(200).body("approval", equalTo("rejected"));
    }

    @Test
    @Order(4)
    void aVersionThatChangesTheSignatureWaitsForApprovalBeforeReplacingTheChampion() throws Exception {
        String model = "trust-sig";
        assertThat(uploadWithEval(model, reluModel("sig-v1"))).isEqualTo(1);
        String int81 = measured(model, 1, 5, 0.90);
        byte[] mlp = Files.readAllBytes(Path.of("../model-io/src/test/resources/fixtures/mlp.onnx"));
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(mlp)
                .queryParam("allowSignatureChange", true).post("/api/v1/models/{m}/versions", model).then()
                .statusCode(201).body("version", equalTo(2));
        String int82 = measured(model, 2, 2, 0.95);
        JsonNode pending = latest(model);
        assertThat(pending.get("outcome").asText()).isEqualTo("pending_approval");
        assertThat(pending.get("variantId").asText()).isEqualTo(int82);
        assertThat(pending.get("reason").asText()).contains("changes the signature of the champion's v1")
                .contains("input 'x'");
        assertThat(best(model)).isEqualTo(int81);
        as("promoter").body(Map.of("comment", "clients updated")).post("/api/v1/promotions/{id}/approve",
                pending.get("id").asText()).then().statusCode(200).body("approval", equalTo("approved"));
        assertThat(best(model)).isEqualTo(int82);
    }

    @Test
    @Order(99)
    void removeProfile() {
        as("admin").delete("/api/v1/device-profiles/{name}", PROFILE).then().statusCode(204);
    }
}
