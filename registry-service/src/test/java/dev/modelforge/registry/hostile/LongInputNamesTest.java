package dev.modelforge.registry.hostile;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.RegistryTestSupport.Footprint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The 60,000-character input names, with the default limits: refused at the door, before any event could
 * be too large for the broker — 422 naming {@code max-signature-bytes} and how to raise it, nothing stored.
 * (With the limits raised, the event is parked instead: {@link OversizedEventUploadTest}.)
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class LongInputNamesTest {
    private static final String P = "https://modelforge.dev/problems/";

    @Test
    void twentyInputsOf60000CharactersAreRefusedAtTheDoor() {
        Footprint before = settled(null);
        byte[] model = LongInputNames.model("door");
        assertThat(model.length).isGreaterThan(2_000_000);
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(model)
                .post("/api/v1/models/long-names-door/versions").then().statusCode(422)
                .contentType("application/problem+json").body("type", equalTo(P + "limit-exceeded"))
                .body("detail", allOf(containsString("modelforge.upload.model-limits.max-signature-bytes"),
                        containsString("inputs and outputs")));
        given().auth().oauth2(key("reader")).get("/api/v1/models/long-names-door/versions").then().statusCode(404);
        // The refusal comes while the body is still arriving, so its storage PUT is aborted; the local stack's
        // store needs a moment (AbandonedPutJanitor) before the bucket lists again.
        assertThat(settled(before)).as("no object, version or event left").isEqualTo(before);
    }

    /** The footprint once storage lists again (and equals {@code expected}, when given), or the last one seen. */
    static Footprint settled(Footprint expected) {
        var seen = new AtomicReference<Footprint>();
        // pollDelay 0: the first look right away, not one poll interval later
        try {
            await().atMost(Duration.ofSeconds(150)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                seen.set(Footprint.now());
                return expected == null || seen.get().equals(expected);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the caller's assertion shows what remained
        }
        return seen.get();
    }
}
