package dev.modelforge.registry.version;

import static dev.modelforge.registry.RegistryTestSupport.consumer;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.resource;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.event.EventTypes;
import dev.modelforge.api.event.Topics;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class VersionUploadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Response uploadRaw(String model, byte[] bytes, String idempotencyKey) {
        var spec = given().auth().oauth2(key("uploader")).contentType("application/octet-stream")
                .header("X-Modelforge-Git-Sha", "0123abc").header("X-Modelforge-Pipeline-Url", "https://ci/run/7")
                .header("X-Modelforge-Labels", "team=fraud,stage=nightly");
        if (idempotencyKey != null) {
            spec.header("Idempotency-Key", idempotencyKey);
        }
        return spec.body(bytes).post("/api/v1/models/{name}/versions", model);
    }

    @Test
    void rawUploadCreatesModelVersionEventAndDownloadableArtifact() throws Exception {
        byte[] onnx = reluModel();
        String sha = sha256(onnx);
        try (KafkaConsumer<String, String> events = consumer("upload-test")) {
            events.subscribe(List.of(Topics.MODEL_VERSIONS));

            Response created = uploadRaw("relu-raw", onnx, null);
            created.then().statusCode(201)
                    .header("Location", endsWith("/api/v1/models/relu-raw/versions/1"))
                    .body("version", equalTo(1)).body("status", equalTo("uploaded"))
                    .body("artifact.sha256", equalTo(sha)).body("artifact.sizeBytes", equalTo(onnx.length))
                    .body("signature.inputs[0].name", equalTo("x"))
                    .body("signature.inputs[0].elementType", equalTo("FLOAT"))
                    .body("signature.inputs[0].shape", equalTo(List.of("1", "2")))
                    .body("signature.outputs[0].name", equalTo("y"))
                    .body("signature.opsets['']", equalTo(6))
                    .body("source.gitSha", equalTo("0123abc")).body("source.labels.team", equalTo("fraud"))
                    .body("eval", nullValue());
            int modelId = created.path("modelId");

            ConsumerRecord<String, String> event = awaitEvent(events, modelId, 1, EventTypes.MODEL_VERSION_UPLOADED);
            assertThat(event.key()).isEqualTo(Integer.toString(modelId));
            Map<String, String> headers = headers(event);
            assertThat(headers).containsEntry("ce_specversion", "1.0").containsEntry("ce_source", "/modelforge/registry")
                    .containsEntry("content-type", "application/json").containsKeys("ce_id", "ce_time");
            assertThat(Instant.parse(headers.get("ce_time"))).isBefore(Instant.now().plusSeconds(1));
            JsonNode payload = JSON.readTree(event.value());
            assertThat(payload.get("modelName").asText()).isEqualTo("relu-raw");
            assertThat(payload.get("sha256").asText()).isEqualTo(sha);
            assertThat(payload.get("sizeBytes").asLong()).isEqualTo(onnx.length);
            assertThat(payload.get("status").asText()).isEqualTo("uploaded");
            assertThat(payload.at("/signature/inputs/0/name").asText()).isEqualTo("x");
        }

        // Download through the presigned URL, as a client outside the registry would.
        Response redirect = given().auth().oauth2(key("reader")).redirects().follow(false)
                .get("/api/v1/models/relu-raw/versions/1/artifact");
        redirect.then().statusCode(302).header("X-Checksum-Sha256", equalTo(sha));
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(redirect.header("Location"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(sha256(download.body())).isEqualTo(sha);

        byte[] streamed = given().auth().oauth2(key("reader")).queryParam("redirect", false)
                .get("/api/v1/models/relu-raw/versions/1/artifact")
                .then().statusCode(200).header("X-Checksum-Sha256", equalTo(sha)).extract().asByteArray();
        assertThat(streamed).isEqualTo(onnx);
    }

    @Test
    void retryWithSameIdempotencyKeyReturnsTheExistingVersion() {
        byte[] onnx = reluModel("idempotent");
        Response first = uploadRaw("relu-idem", onnx, "run-42");
        first.then().statusCode(201).body("version", equalTo(1));
        uploadRaw("relu-idem", onnx, "run-42").then().statusCode(200).body("version", equalTo(1))
                .body("artifact.sha256", equalTo(sha256(onnx)));
        // Same key, other bytes: a client bug, not a retry.
        uploadRaw("relu-idem", reluModel("other"), "run-42").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://modelforge.dev/problems/idempotency-conflict"));
        // No key: the same bytes again are a deliberate new version, stored once (content-addressed).
        uploadRaw("relu-idem", onnx, null).then().statusCode(201).body("version", equalTo(2));
        given().auth().oauth2(key("reader")).get("/api/v1/models/relu-idem/versions").then().statusCode(200)
                .body("$", hasSize(2));
        assertThat(dev.modelforge.registry.RegistryTestSupport.objectKeys()).filteredOn(k -> k.equals("sha256/" + sha256(onnx)))
                .hasSize(1);
    }

    @Test
    void multipartUploadWithEvalAndCalibrationChecksThemAgainstTheSignature() {
        byte[] eval = resource("/onnx/single_relu_eval.npz");
        given().auth().oauth2(key("uploader"))
                .multiPart("model", "relu.onnx", reluModel("multipart"), "application/octet-stream")
                .multiPart("eval", "eval.npz", eval, "application/octet-stream")
                .multiPart("calibration", "calib.npz", eval, "application/octet-stream")
                .multiPart("metadata", "{\"gitSha\":\"feed\",\"framework\":\"pytorch 2.5\"}", "application/json")
                .post("/api/v1/models/relu-multipart/versions")
                .then().statusCode(201).body("eval.sha256", equalTo(sha256(eval)))
                .body("calibration.sha256", equalTo(sha256(eval))).body("source.framework", equalTo("pytorch 2.5"))
                .body("source.gitSha", equalTo("feed"));
    }

    @Test
    void archivedVersionsLeaveTheDefaultListingAndEmitAnEvent() {
        uploadRaw("relu-archive", reluModel("a1"), null).then().statusCode(201);
        int modelId = uploadRaw("relu-archive", reluModel("a2"), null).then().statusCode(201)
                .body("version", equalTo(2)).extract().path("modelId");
        given().auth().oauth2(key("promoter")).delete("/api/v1/models/relu-archive/versions/1")
                .then().statusCode(200).body("status", equalTo("archived"));
        given().auth().oauth2(key("reader")).get("/api/v1/models/relu-archive/versions")
                .then().statusCode(200).body("$", hasSize(1)).body("[0].version", equalTo(2));
        given().auth().oauth2(key("reader")).queryParam("includeArchived", true)
                .get("/api/v1/models/relu-archive/versions").then().statusCode(200).body("$", hasSize(2));
        given().auth().oauth2(key("reader")).get("/api/v1/models/relu-archive/versions/1")
                .then().statusCode(200).body("status", equalTo("archived"));
        try (KafkaConsumer<String, String> events = consumer("archive-test")) {
            events.subscribe(List.of(Topics.MODEL_VERSIONS));
            // In order per model: uploaded 1, uploaded 2, archived 1.
            List<String> seen = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (var r : events.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(Integer.toString(modelId))) {
                        seen.add(headers(r).get("ce_type") + "#" + JSON.readTree(r.value()).get("version").asInt());
                    }
                }
                return seen.size() >= 3;
            });
            assertThat(seen).containsExactly(EventTypes.MODEL_VERSION_UPLOADED + "#1",
                    EventTypes.MODEL_VERSION_UPLOADED + "#2", EventTypes.MODEL_VERSION_ARCHIVED + "#1");
        }
    }

    private static ConsumerRecord<String, String> awaitEvent(KafkaConsumer<String, String> events, int modelId,
                                                             int version, String type) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (var r : events.poll(Duration.ofMillis(200))) {
                if (r.key().equals(Integer.toString(modelId)) && type.equals(headers(r).get("ce_type"))
                        && JSON.readTree(r.value()).get("version").asInt() == version) {
                    found.add(r);
                }
            }
            return !found.isEmpty();
        });
        return found.get(0);
    }

    static Map<String, String> headers(ConsumerRecord<String, String> r) {
        Map<String, String> h = new HashMap<>();
        r.headers().forEach(x -> h.put(x.key(), new String(x.value(), StandardCharsets.UTF_8)));
        return h;
    }
}
