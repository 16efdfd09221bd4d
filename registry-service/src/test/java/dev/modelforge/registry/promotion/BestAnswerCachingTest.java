package dev.modelforge.registry.promotion;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.promotion.PromotionTestSupport.as;
import static dev.modelforge.registry.promotion.PromotionTestSupport.bytes;
import static dev.modelforge.registry.promotion.PromotionTestSupport.finishInt8Job;
import static dev.modelforge.registry.promotion.PromotionTestSupport.putProfile;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.storage.MovableClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The best answer's HTTP caching: ETag and 304, the ETag moving with a promotion, the compact {@code ?fields=} form,
 * and presigned URLs reused only while half their lifetime is left (the clock moved, never an expired URL).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class BestAnswerCachingTest {
    static final String PROFILE = "pt-etag";
    static final String BEST = "/api/v1/models/{m}/best?device={d}";

    @Inject
    MovableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A model whose baseline is promoted by hand on the test profile; returns the baseline's id. */
    private static String promotedBaseline(String model) throws Exception {
        upload(model, reluModel(model));
        String base = PromotionFlowTest.baselineOfModel(model, 1);
        as("promoter").body(Map.of("device", PROFILE, "variantId", base, "reason", "etag test"))
                .post("/api/v1/models/{m}/promotions", model).then().statusCode(201);
        return base;
    }

    private static synchronized void profile() throws Exception {
        if (as("reader").get("/api/v1/device-profiles/{p}", PROFILE).statusCode() == 404) {
            putProfile(PROFILE, "x86_64", 3, 3000, List.of("avx2"), "{}");
        }
    }

    private static Response best(String model, String ifNoneMatch) {
        var req = given().auth().oauth2(key("reader"));
        if (ifNoneMatch != null) {
            req = req.header("If-None-Match", ifNoneMatch);
        }
        return req.get(BEST, model, PROFILE);
    }

    @Test
    void answersAreCountedByOutcomeNotTimedPerRequest() throws Exception {
        profile();
        promotedBaseline("etag-metrics");
        String etag = best("etag-metrics", null).then().statusCode(200).extract().header("ETag");
        best("etag-metrics", etag).then().statusCode(304);
        String metrics = given().auth().oauth2(key("reader")).get("/q/metrics").then().statusCode(200).extract()
                .asString();
        assertThat(metrics).contains("modelforge_best_answers_total{outcome=\"not-modified\"")
                .contains("modelforge_best_answers_total{outcome=\"ok\"")
                .doesNotContain("/best\"");
    }

    @Test
    void anUnchangedAnswerIsA304WithoutBody() throws Exception {
        profile();
        String base = promotedBaseline("etag-304");
        Response first = best("etag-304", null);
        first.then().statusCode(200).body("variantId", equalTo(base));
        String etag = first.header("ETag");
        assertThat(etag).startsWith("\"").endsWith("\"");
        assertThat(first.header("Cache-Control")).startsWith("private, max-age=");

        Response again = best("etag-304", etag);
        again.then().statusCode(304);
        assertThat(again.asByteArray()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(etag);
        best("etag-304", "W/" + etag + ", \"other\"").then().statusCode(304);
        best("etag-304", "\"other\"").then().statusCode(200).body("variantId", equalTo(base));

        Response second = best("etag-304", null);
        assertThat(second.header("ETag")).isEqualTo(etag);
        assertThat(second.jsonPath().getString("downloadUrl")).as("the URL is reused, not signed per request")
                .isEqualTo(first.jsonPath().getString("downloadUrl"));

        // By description: its own representation, so its own ETag, and 304 alike.
        Response described = given().auth().oauth2(key("reader"))
                .get("/api/v1/models/{m}/best?arch=x86_64&cores=3&memoryMb=3000&isa=avx2", "etag-304");
        described.then().statusCode(200).body("resolvedProfile", equalTo(true));
        String describedTag = described.header("ETag");
        assertThat(describedTag).isNotEqualTo(etag);
        given().auth().oauth2(key("reader")).header("If-None-Match", describedTag)
                .get("/api/v1/models/{m}/best?arch=x86_64&cores=3&memoryMb=3000&isa=avx2", "etag-304")
                .then().statusCode(304);
    }

    @Test
    void theEtagChangesWithAPromotion() throws Exception {
        profile();
        promotedBaseline("etag-promo");
        String before = best("etag-promo", null).then().statusCode(200).extract().header("ETag");
        String int8 = finishInt8Job("etag-promo", 1, bytes("int8-etag-promo"));
        as("promoter").body(Map.of("device", PROFILE, "variantId", int8, "reason", "int8 now"))
                .post("/api/v1/models/{m}/promotions", "etag-promo").then().statusCode(201);
        Awaitility.await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                best("etag-promo", before).then().statusCode(200).body("variantId", equalTo(int8)));
        assertThat(best("etag-promo", null).header("ETag")).isNotEqualTo(before);
    }

    @Test
    void compactFieldsAndUnknownFields() throws Exception {
        profile();
        String base = promotedBaseline("etag-fields");
        Response compact = given().auth().oauth2(key("reader"))
                .get(BEST + "&fields=variantId,sha256,downloadUrl", "etag-fields", PROFILE);
        compact.then().statusCode(200);
        JsonNode body = JSON.readTree(compact.asString());
        assertThat(body.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("variantId", "sha256", "downloadUrl");
        assertThat(body.get("variantId").asText()).isEqualTo(base);
        assertThat(compact.header("ETag")).isNotEqualTo(best("etag-fields", null).header("ETag"));
        given().auth().oauth2(key("reader")).get(BEST + "&fields=variantId,nope", "etag-fields", PROFILE)
                .then().statusCode(400).body("type", equalTo(PromotionFlowTest.P + "invalid-request"));
    }

    @Test
    void aUrlIsReusedOnlyWhileHalfItsLifetimeIsLeft() throws Exception {
        profile();
        promotedBaseline("etag-clock");
        Response first = best("etag-clock", null);
        String etag = first.header("ETag");

        clock.move(Duration.ofMinutes(7)); // the default lifetime is 15 min: 7.5 min left
        assertThat(best("etag-clock", etag).statusCode()).as("still more than half its lifetime left").isEqualTo(304);

        clock.move(Duration.ofMinutes(1)); // 7 min left: less than half
        Response renewed = best("etag-clock", etag);
        renewed.then().statusCode(200);
        String renewedTag = renewed.header("ETag");
        assertThat(renewedTag).isNotEqualTo(etag);
        assertThat(downloadStatus(renewed.jsonPath().getString("downloadUrl"))).isEqualTo(200);

        clock.move(Duration.ofMinutes(30)); // long past the expiry of every URL signed so far
        Response late = best("etag-clock", renewedTag);
        late.then().statusCode(200);
        assertThat(late.header("ETag")).isNotEqualTo(renewedTag).isNotEqualTo(etag);
        assertThat(downloadStatus(late.jsonPath().getString("downloadUrl"))).isEqualTo(200);
    }

    private static int downloadStatus(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
