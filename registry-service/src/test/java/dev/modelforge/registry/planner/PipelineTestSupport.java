package dev.modelforge.registry.planner;

import static dev.modelforge.registry.RegistryTestSupport.consumer;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.s3;
import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/** Helpers of the planner/job/variant tests: upload, list jobs, store variant bytes, read events. */
public final class PipelineTestSupport {
    public static final ObjectMapper JSON = new ObjectMapper();

    private PipelineTestSupport() {
    }

    /** Uploads {@code onnx} as the next version of {@code model}; returns the version number. */
    public static int upload(String model, byte[] onnx) {
        return given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(onnx)
                .post("/api/v1/models/{name}/versions", model).then().statusCode(201).extract().path("version");
    }

    /**
     * Uploads {@code onnx} (a single_relu variant) with single_relu's eval set as the next version of {@code model}:
     * versions that share an eval set have their accuracy compared by the champion gate.
     */
    public static int uploadWithEval(String model, byte[] onnx) {
        return given().auth().oauth2(key("uploader"))
                .multiPart("model", "m.onnx", onnx, "application/octet-stream")
                .multiPart("eval", "eval.npz", dev.modelforge.registry.RegistryTestSupport.resource("/onnx/single_relu_eval.npz"),
                        "application/octet-stream")
                .post("/api/v1/models/{name}/versions", model).then().statusCode(201).extract().path("version");
    }

    public static JsonNode jobs(String model, int version) throws Exception {
        return JSON.readTree(given().auth().oauth2(key("reader"))
                .get("/api/v1/models/{name}/versions/{v}/jobs", model, version).then().statusCode(200)
                .extract().asString());
    }

    public static JsonNode variants(String model, int version) throws Exception {
        return JSON.readTree(given().auth().oauth2(key("reader"))
                .get("/api/v1/models/{name}/versions/{v}/variants", model, version).then().statusCode(200)
                .extract().asString());
    }

    public static String versionStatus(String model, int version) {
        return given().auth().oauth2(key("reader")).get("/api/v1/models/{name}/versions/{v}", model, version)
                .then().statusCode(200).extract().path("status");
    }

    /** Puts {@code bytes} at their content address, as a worker does; returns the sha256. */
    public static String storeContentAddressed(byte[] bytes) throws Exception {
        String sha = dev.modelforge.registry.RegistryTestSupport.sha256(bytes);
        String bucket = ConfigProvider.getConfig().getValue("modelforge.storage.bucket", String.class);
        s3().putObject(PutObjectArgs.builder().bucket(bucket).object("sha256/" + sha)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return sha;
    }

    /** Reads {@code topic} from the start until {@code count} records match, then returns those. */
    public static List<ConsumerRecord<String, String>> awaitRecords(String topic, int count,
                                                                    Predicate<JsonNode> match) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer("pipeline-test-" + UUID.randomUUID())) {
            c.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    if (match.test(JSON.readTree(r.value()))) {
                        found.add(r);
                    }
                }
                return found.size() >= count;
            });
            // Nothing more than expected: drain what is there for a moment longer.
            for (int i = 0; i < 5; i++) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    if (match.test(tree(r.value()))) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
