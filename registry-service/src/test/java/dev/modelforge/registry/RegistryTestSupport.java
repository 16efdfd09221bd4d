package dev.modelforge.registry;

import static io.restassured.RestAssured.given;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.registry.events.OutboxEvent;
import dev.modelforge.registry.version.ModelVersion;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Shared helpers of the registry's integration tests: keys, fixtures, and direct looks at S3/DB/Kafka. */
public final class RegistryTestSupport {
    /** Registered at startup through {@code %test.modelforge.auth.bootstrap-admin-key}. */
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijkl";
    /** The team of every role key below: the models the tests upload are theirs. */
    public static final String TEAM = "test";
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

    private RegistryTestSupport() {
    }

    /** An API key with {@code role}, created once per test JVM through the API itself. */
    public static String key(String role) {
        if ("admin".equals(role)) {
            return ADMIN_KEY;
        }
        return KEYS.computeIfAbsent(role, r -> given().auth().oauth2(ADMIN_KEY).contentType("application/json")
                .body(Map.of("name", "test-" + r, "role", r, "team", TEAM)).post("/api/v1/api-keys")
                .then().statusCode(201).extract().path("secret"));
    }

    /** How audit records name the key of {@code role}: {@code key:<id>}. */
    public static String actor(String role) {
        key(role);
        String name = "admin".equals(role) ? "bootstrap-admin" : "test-" + role;
        Number id = given().auth().oauth2(ADMIN_KEY).get("/api/v1/api-keys").then().statusCode(200)
                .extract().path("find { it.name == '" + name + "' }.id");
        return "key:" + id.longValue();
    }

    /** The real single_relu model from ONNX's examples. */
    public static byte[] reluModel() {
        try (InputStream in = RegistryTestSupport.class.getResourceAsStream("/onnx/single_relu.onnx")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** single_relu with a doc string: a valid model with different bytes (and sha256) per {@code tag}. */
    public static byte[] reluModel(String tag) {
        try {
            return OnnxMl.ModelProto.parseFrom(reluModel()).toBuilder().setDocString(tag).build().toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] resource(String path) {
        try (InputStream in = RegistryTestSupport.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static MinioClient s3() {
        var c = ConfigProvider.getConfig();
        return MinioClient.builder().endpoint(c.getValue("modelforge.storage.endpoint", String.class))
                .region(c.getValue("modelforge.storage.region", String.class))
                .credentials(c.getValue("modelforge.storage.access-key", String.class),
                        c.getValue("modelforge.storage.secret-key", String.class)).build();
    }

    /** Every object key in the registry's bucket. */
    public static List<String> objectKeys() {
        String bucket = ConfigProvider.getConfig().getValue("modelforge.storage.bucket", String.class);
        var keys = new ArrayList<String>();
        try {
            for (Result<Item> r : s3().listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
                keys.add(r.get().objectName());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    public static long outboxCount() {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count());
    }

    public static long versionCount() {
        return QuarkusTransaction.requiringNew().call(() -> ModelVersion.count());
    }

    /** A consumer of the registry's events, reading from the beginning in its own group. */
    public static KafkaConsumer<String, String> consumer(String group) {
        var p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Snapshot of everything an upload could leave behind. */
    public record Footprint(List<String> objects, long versions, long events) {
        public static Footprint now() {
            return new Footprint(objectKeys(), versionCount(), outboxCount());
        }
    }
}
