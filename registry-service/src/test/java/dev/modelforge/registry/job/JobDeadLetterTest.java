package dev.modelforge.registry.job;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.awaitRecords;
import static dev.modelforge.registry.planner.PipelineTestSupport.jobs;
import static dev.modelforge.registry.planner.PipelineTestSupport.storeContentAddressed;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.job.CompressionJobMessage;
import dev.modelforge.api.job.Leases;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Replaying a job dead-letter topic: admin only, and a dead-lettered job that the worker had declared dead goes back
 * on the queue with fresh lease attempts, its message emitted again, and ends succeeded exactly once; a second
 * replay leaves it alone.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class JobDeadLetterTest {
    private static final String P = "https://modelforge.dev/problems/";

    @Test
    void onlyAnAdminListsOrReplaysDeadLetters() {
        for (String role : List.of("reader", "uploader", "promoter", "worker")) {
            given().auth().oauth2(key(role)).get("/api/v1/admin/dead-letters/compression-jobs")
                    .then().statusCode(403);
            given().auth().oauth2(key(role)).post("/api/v1/admin/dead-letters/benchmark-jobs/replay")
                    .then().statusCode(403);
        }
        given().post("/api/v1/admin/dead-letters/compression-jobs/replay").then().statusCode(401);
        given().auth().oauth2(key("admin")).get("/api/v1/admin/dead-letters/no-such-topic")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(P + "dead-letter-topic-unknown"));
        given().auth().oauth2(key("admin")).queryParam("limit", 0).get("/api/v1/admin/dead-letters/compression-jobs")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aReplayedDeadJobIsRequeuedAndFinishesExactlyOnce() throws Exception {
        String model = "dlq-replay";
        int version = upload(model, reluModel("dlq-replay"));
        String id = jobs(model, version).get(0).get("id").asText();
        WorkerCalls.claim(id);
        WorkerCalls.holder(id).body(Map.of("workerId", "w-test", "kind", "dead", "reason", "attempt 3/3: poison"))
                .post("/api/v1/jobs/{id}/fail", id).then().statusCode(200).body("status", equalTo("dead"));
        // What the worker's dead-letter failure strategy does: the job message, unchanged, onto the DLQ.
        ConsumerRecord<String, String> message = awaitRecords(CompressionJobMessage.TOPIC, 1,
                j -> id.equals(j.path("jobId").asText())).get(0);
        deadLetter(message, "attempt 3/3: poison");
        deadLetter(message, "attempt 3/3: poison"); // dead-lettered twice: replayed once
        publishRaw(CompressionJobMessage.DEAD_LETTER_TOPIC, "{not a job");

        JsonNode listed = JSON.readTree(given().auth().oauth2(key("admin"))
                .get("/api/v1/admin/dead-letters/compression-jobs").then().statusCode(200).extract().asString());
        JsonNode ours = null;
        for (JsonNode n : listed) {
            if (id.equals(n.path("jobId").asText())) {
                ours = n;
            }
        }
        assertThat(ours).as(listed.toString()).isNotNull();
        assertThat(ours.get("jobStatus").asText()).isEqualTo("dead");
        assertThat(ours.get("reason").asText()).contains("poison");
        assertThat(ours.get("topic").asText()).isEqualTo(CompressionJobMessage.DEAD_LETTER_TOPIC);

        JsonNode replay = JSON.readTree(given().auth().oauth2(key("admin"))
                .post("/api/v1/admin/dead-letters/compression-jobs/replay").then().statusCode(200).extract().asString());
        assertThat(outcomesOf(replay, id)).containsExactly("requeued");
        assertThat(replay.toString()).contains("unreadable");
        JsonNode job = job(id);
        assertThat(job.get("status").asText()).isEqualTo("queued");
        assertThat(job.get("attempts").asInt()).isZero();
        assertThat(job.get("error").asText()).contains("replayed").contains("dead");
        assertThat(awaitRecords(CompressionJobMessage.TOPIC, 2, j -> id.equals(j.path("jobId").asText()))).hasSize(2);

        String token = WorkerCalls.claim(id);
        byte[] bytes = "variant after a replay".getBytes(StandardCharsets.UTF_8);
        String sha = storeContentAddressed(bytes);
        WorkerCalls.worker().header(Leases.TOKEN_HEADER, token).body(Map.of("workerId", "w-live",
                        "toolVersion", "core/replay", "artifact", Map.of("storageKey", "sha256/" + sha, "sha256", sha,
                                "sizeBytes", bytes.length)))
                .post("/api/v1/jobs/{id}/variant", id).then().statusCode(201);
        assertThat(job(id).get("status").asText()).isEqualTo("succeeded");

        JsonNode again = JSON.readTree(given().auth().oauth2(key("admin"))
                .post("/api/v1/admin/dead-letters/compression-jobs/replay").then().statusCode(200).extract().asString());
        assertThat(outcomesOf(again, id)).containsExactly("already-succeeded");
        assertThat(job(id).get("status").asText()).isEqualTo("succeeded");
    }

    private static List<String> outcomesOf(JsonNode replay, String id) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode j : replay.get("jobs")) {
            if (id.equals(j.path("jobId").asText())) {
                out.add(j.get("outcome").asText());
            }
        }
        return out;
    }

    private static JsonNode job(String id) throws Exception {
        return JSON.readTree(given().auth().oauth2(key("reader")).get("/api/v1/jobs/{id}", id).then().statusCode(200)
                .extract().asString());
    }

    private static void deadLetter(ConsumerRecord<String, String> original, String reason) throws Exception {
        ProducerRecord<String, String> out = new ProducerRecord<>(CompressionJobMessage.DEAD_LETTER_TOPIC,
                original.key(), original.value());
        out.headers().add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, String> p = producer()) {
            p.send(out).get();
        }
    }

    private static void publishRaw(String topic, String value) throws Exception {
        try (KafkaProducer<String, String> p = producer()) {
            p.send(new ProducerRecord<>(topic, "garbage", value)).get();
        }
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
