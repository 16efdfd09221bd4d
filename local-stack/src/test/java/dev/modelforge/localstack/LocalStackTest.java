package dev.modelforge.localstack;

import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.http.Method;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** One stack for all tests (it takes seconds to start); the last test closes it and checks nothing is left. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackTest {

    @TempDir
    static Path workDir;
    static LocalStack stack;
    /** Children other stacks in this JVM (e.g. the test resource's) own; not this stack's business. */
    static Set<Long> foreignProcesses;

    @BeforeAll
    static void start() throws Exception {
        foreignProcesses = pidsOfChildren();
        stack = LocalStack.start(workDir, ExternalServices.none());
        System.err.println("LocalStackTest: " + stack.timings());
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close(); // no-op when the last test already closed it
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void closeLeavesNoProcessBehind() throws Exception {
        Map<String, Long> owned = stack.externalProcesses();
        assertThat(owned).containsOnlyKeys("postgres", "s3proxy");
        assertThat(owned.values()).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());
        assertThat(pidsOfChildren()).contains(owned.get("s3proxy"));
        assertThat(descendantsStartedSince(foreignProcesses)).isNotEmpty();

        stack.close();

        assertThat(descendantsStartedSince(foreignProcesses))
                .as("descendants started by this stack and still there after close").isEmpty();
        // The postmaster was started by pg_ctl and is not a descendant, so check it by PID.
        assertThat(owned.values()).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        stack.close(); // idempotent
    }

    /** Direct children: stable, unlike the short-lived {@code sleep}s of reapers further down. */
    private static Set<Long> pidsOfChildren() {
        return ProcessHandle.current().children().map(ProcessHandle::pid)
                .collect(Collectors.toCollection(HashSet::new));
    }

    /** Every descendant process below a child that was not there before this stack started. */
    private static List<ProcessHandle> descendantsStartedSince(Set<Long> childrenBefore) {
        return ProcessHandle.current().children().filter(child -> !childrenBefore.contains(child.pid()))
                .flatMap(child -> java.util.stream.Stream.concat(java.util.stream.Stream.of(child), child.descendants()))
                .toList();
    }

    @Test
    void postgresAnswersOnTheModelforgeDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.username(), stack.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select 1, current_database(), current_setting('server_version_num')")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(1);
            assertThat(r.getString(2)).isEqualTo("modelforge");
            assertThat(r.getInt(3)).isBetween(170000, 179999);
        }
        assertThat(stack.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
    }

    @Test
    void kafkaRoundTripThroughAConsumerGroup() throws Exception {
        String topic = "roundtrip-" + UUID.randomUUID();
        String group = "group-" + UUID.randomUUID();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "model-1", "uploaded")).get();
        }

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            // A bound, not a timing assertion: without the single-node settings the group never joins.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).hasSize(1);
            consumer.commitSync();
            ConsumerRecord<String, String> record = received.get(0);
            TopicPartition partition = new TopicPartition(topic, record.partition());
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(java.util.Set.of(partition));
            assertThat(committed.get(partition).offset()).isEqualTo(record.offset() + 1);
        }
        assertThat(received.get(0).key()).isEqualTo("model-1");
        assertThat(received.get(0).value()).isEqualTo("uploaded");
    }

    @Test
    void s3PutGetAndPresignedDownload() throws Exception {
        MinioClient minio = MinioClient.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey()).region(LocalStack.REGION).build();
        byte[] content = "onnx bytes, pretend".getBytes(StandardCharsets.UTF_8);
        String key = "models/" + UUID.randomUUID() + "/model.onnx";
        minio.putObject(PutObjectArgs.builder().bucket(LocalStack.BUCKET).object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1)
                .contentType("application/octet-stream").build());

        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(LocalStack.BUCKET).object(key).build())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }

        String url = minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                .bucket(LocalStack.BUCKET).object(key).expiry(300).build());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> presigned = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(presigned.statusCode()).isEqualTo(200);
        assertThat(presigned.body()).isEqualTo(content);

        // Same object without a signature: the server must insist on credentials.
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(
                URI.create(stack.s3Endpoint() + "/" + LocalStack.BUCKET + "/" + key)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(403);
    }

    @Test
    void quarkusConfigNamesTheSharedKeys() {
        Map<String, String> config = stack.quarkusConfig();
        assertThat(config).containsEntry("quarkus.datasource.jdbc.url", stack.jdbcUrl())
                .containsEntry("quarkus.datasource.username", stack.username())
                .containsEntry("quarkus.datasource.password", stack.password())
                .containsEntry("kafka.bootstrap.servers", stack.kafkaBootstrap())
                .containsEntry("modelforge.storage.endpoint", stack.s3Endpoint())
                .containsEntry("modelforge.storage.access-key", stack.s3AccessKey())
                .containsEntry("modelforge.storage.secret-key", stack.s3SecretKey())
                .containsEntry("modelforge.storage.bucket", "modelforge")
                .containsEntry("modelforge.storage.region", "us-east-1");
        assertThat(stack.quarkusEnvironment())
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", stack.jdbcUrl())
                .containsEntry("MODELFORGE_STORAGE_ACCESS_KEY", stack.s3AccessKey())
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
    }

    @Test
    void secondStackUsesExternalServicesWithoutStartingAnything(@TempDir Path otherDir) throws Exception {
        Set<Long> processesBefore = pidsOfChildren();
        try (LocalStack second = LocalStack.start(otherDir, stack.asExternal())) {
            assertThat(second.timings().postgres()).isZero();
            assertThat(second.timings().kafka()).isZero();
            assertThat(second.timings().s3()).isZero();
            assertThat(second.externalProcesses()).isEmpty();
            assertThat(pidsOfChildren()).isEqualTo(processesBefore);
            assertThat(second.quarkusConfig()).isEqualTo(stack.quarkusConfig());
            try (Connection c = DriverManager.getConnection(second.jdbcUrl(), second.username(), second.password());
                 ResultSet r = c.createStatement().executeQuery("select 1")) {
                assertThat(r.next()).isTrue();
            }
        }
        // Closing a stack that only borrowed services must leave them running.
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.username(), stack.password())) {
            assertThat(c.isValid(5)).isTrue();
        }
    }
}
