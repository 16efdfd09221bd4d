package dev.modelforge.registry.hostile;

import static dev.modelforge.registry.RegistryTestSupport.ADMIN_KEY;
import static dev.modelforge.registry.RegistryTestSupport.consumer;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelforge.api.event.Topics;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The stall, end to end through the upload route: with the door's limits raised past the broker's (an
 * operator who raised {@code max-signature-bytes} and {@code modelforge.outbox.max-payload-size} to let such a model
 * in), the 60,000-character-names upload is accepted, its 1.2 MB {@code modelforge.model-versions} event is refused
 * by the producer's 1 MiB {@code max.request.size} and parked in the dead-letter table — and the next upload's event
 * still reaches Kafka.
 */
@QuarkusTest
@TestProfile(OversizedEventUploadTest.LimitsPastTheBroker.class)
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class OversizedEventUploadTest {

    /** The door lets a 1.2 MB signature and event through; Kafka's producer keeps its 1 MiB limit. */
    public static class LimitsPastTheBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("modelforge.upload.model-limits.max-signature-bytes", "4M",
                    "modelforge.outbox.max-payload-size", "4M");
        }
    }

    @Test
    void theRefusedEventIsParkedAndTheNextUploadsEventFlows() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long bigModel = given().auth().oauth2(key("uploader")).contentType("application/octet-stream")
                .body(LongInputNames.model(tag)).post("/api/v1/models/long-names-{t}/versions", tag)
                .then().statusCode(201).extract().jsonPath().getLong("modelId");

        await().atMost(Duration.ofSeconds(60)).until(() -> parked(bigModel));
        List<Map<String, Object>> letters = given().auth().oauth2(ADMIN_KEY).get("/api/v1/admin/outbox/dead-letters?limit=500")
                .then().statusCode(200).extract().jsonPath().getList("findAll { it.aggregateId == '" + bigModel + "' }");
        assertThat(letters).isNotEmpty().allSatisfy(l -> assertThat(l.get("error").toString())
                .contains("RecordTooLarge"));

        long nextModel = given().auth().oauth2(key("uploader")).contentType("application/octet-stream")
                .body(HostileModels.relu().setDocString(tag).build().toByteArray())
                .post("/api/v1/models/after-long-names-{t}/versions", tag)
                .then().statusCode(201).extract().jsonPath().getLong("modelId");
        assertThat(published(Long.toString(nextModel))).contains("after-long-names-" + tag);
        assertThat(parked(nextModel)).isFalse();
    }

    private static boolean parked(long modelId) {
        List<String> ids = given().auth().oauth2(ADMIN_KEY).get("/api/v1/admin/outbox/dead-letters?limit=500")
                .then().statusCode(200).extract().jsonPath().getList("aggregateId", String.class);
        return ids.contains(Long.toString(modelId));
    }

    /** The first model-versions event keyed by {@code modelId}, as published. */
    private static String published(String modelId) {
        var found = new java.util.concurrent.atomic.AtomicReference<String>();
        try (KafkaConsumer<String, String> c = consumer("oversized-upload-" + UUID.randomUUID())) {
            c.subscribe(List.of(Topics.MODEL_VERSIONS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    if (modelId.equals(r.key())) {
                        found.set(r.value());
                    }
                }
                return found.get() != null;
            });
        }
        return found.get();
    }
}
