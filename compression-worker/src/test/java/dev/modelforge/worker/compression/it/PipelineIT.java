package dev.modelforge.worker.compression.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.job.CompressionJobMessage;
import dev.modelforge.api.variant.VariantCreatedEvent;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.localstack.LocalStackTestResource;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The compression pipeline end to end, every service its own process (packaged jars) on the real local stack:
 * upload → planned jobs → worker(s) → variants registered with reports and events; refusal, poison jobs and the
 * dead-letter topic, a worker killed with SIGKILL mid-job, and two workers sharing jobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("..", "compression-core", "src", "test", "resources", "fixtures");
    private static final Duration FINISH = Duration.ofMinutes(6);

    private Pipeline pipeline;
    private ServiceProcess worker;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("pipeline-it-");
        pipeline = Pipeline.start(LocalStackTestResource.shared(), Path.of("target", "pipeline-it-logs"));
        worker = pipeline.startWorker("worker-a");
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** A fixture with a doc string, so each test's upload has its own bytes (and sha256). */
    private Path uniqueModel(String fixture, String tag) throws Exception {
        byte[] bytes = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve(fixture))).toBuilder()
                .setDocString(tag).build().toByteArray();
        Path p = work.resolve(tag + ".onnx");
        Files.write(p, bytes);
        return p;
    }

    private int uploadCnn(String model) throws Exception {
        return pipeline.upload(model, uniqueModel("digits_cnn.onnx", model + "-" + UUID.randomUUID()),
                FIXTURES.resolve("digits_cnn_eval.npz"), FIXTURES.resolve("digits_cnn_calib.npz")).version();
    }

    @Test
    @Order(1)
    void uploadBecomesRegisteredVariantsWithReportsAndEvents() throws Exception {
        String model = "it-cnn";
        int version = uploadCnn(model);
        JsonNode jobs = pipeline.awaitJobsFinished(model, version, FINISH);
        assertThat(jobs).hasSize(6);

        MinioClient s3 = s3();
        int succeeded = 0;
        for (JsonNode job : jobs) {
            String status = job.get("status").asText();
            assertThat(status).as(job.toString()).isIn("succeeded", "failed");
            assertThat(job.get("workerId").asText()).isEqualTo("worker-a");
            if (status.equals("succeeded")) {
                succeeded++;
                JsonNode v = pipeline.get("/api/v1/variants/" + job.get("variantId").asText());
                assertThat(v.get("recipeHash").asText()).isEqualTo(job.get("recipeHash").asText());
                assertThat(v.get("profiles")).isEqualTo(job.get("profiles"));
                assertThat(v.at("/report/passes").size()).isPositive();
                assertThat(v.at("/report/after/fileBytes").asLong()).isEqualTo(v.get("sizeBytes").asLong());
                assertThat(v.at("/report/toolVersion").asText()).isNotBlank();
                assertThat(v.get("storageKey").asText()).isEqualTo("sha256/" + v.get("sha256").asText());
                assertThat(s3.statObject(StatObjectArgs.builder().bucket(LocalStack.BUCKET)
                        .object(v.get("storageKey").asText()).build()).size()).isEqualTo(v.get("sizeBytes").asLong());
            } else {
                // A recipe that does not apply is reported once, not retried.
                assertThat(job.get("error").asText()).isNotBlank();
                assertThat(job.get("attempts").asInt()).isEqualTo(1);
            }
        }
        // int8-dynamic has the CNN's Gemm to quantize, whatever else compression-core supports today.
        assertThat(jobs.findValues("label").stream().map(JsonNode::asText)).contains("int8-dynamic");
        assertThat(succeeded).isPositive();
        assertThat(pipeline.variants(model, version)).hasSize(1 + succeeded);
        assertThat(events(VariantCreatedEvent.TOPIC, model, 1 + succeeded)).hasSize(1 + succeeded);
        assertThat(pipeline.version(model, version).get("status").asText()).isEqualTo("benchmarking");
    }

    @Test
    @Order(2)
    void aRecipeThatRefusesIsACleanFailureWithoutRetries() throws Exception {
        String model = "it-relu";
        Path relu = work.resolve("relu.onnx");
        byte[] bytes = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(
                        Path.of("..", "registry-service", "src", "test", "resources", "onnx", "single_relu.onnx")))
                .toBuilder().setDocString("refusal").build().toByteArray();
        Files.write(relu, bytes);
        int version = pipeline.upload(model, relu, null, null).version();
        JsonNode jobs = pipeline.awaitJobsFinished(model, version, FINISH);
        int failed = 0;
        for (JsonNode job : jobs) {
            // Whatever a recipe does with a weightless graph, nothing is retried and nothing is dead.
            assertThat(job.get("status").asText()).as(job.toString()).isIn("failed", "succeeded");
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
            if (job.get("status").asText().equals("failed")) {
                failed++;
                assertThat(job.get("error").asText()).isNotBlank();
            }
        }
        JsonNode int8 = find(jobs, "int8-dynamic");
        assertThat(int8.get("status").asText()).isEqualTo("failed");
        assertThat(int8.get("error").asText()).contains("int8-dynamic");
        assertThat(pipeline.variants(model, version)).hasSize(1 + jobs.size() - failed);
        if (failed == jobs.size()) {
            assertThat(pipeline.version(model, version).get("status").asText()).isEqualTo("failed");
        }
    }

    @Test
    @Order(3)
    void poisonJobsAreRetriedThenDeadAndDeadLettered() throws Exception {
        worker.close(); // graceful: nothing may pick the jobs up before the original is corrupted
        String model = "it-poison";
        Path onnx = uniqueModel("digits_cnn.onnx", "poison");
        String sha = dev.modelforge.worker.compression.it.Hashes.sha256(onnx);
        int version = pipeline.upload(model, onnx, null, null).version();
        byte[] garbage = "these are not the bytes the registry hashed".getBytes();
        s3().putObject(PutObjectArgs.builder().bucket(LocalStack.BUCKET).object("sha256/" + sha)
                .stream(new ByteArrayInputStream(garbage), garbage.length, -1).build());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(kafkaProps(), new StringSerializer(),
                new StringSerializer())) {
            p.send(new ProducerRecord<>(CompressionJobMessage.TOPIC, "garbage", "{not a job")).get();
        }
        worker = pipeline.startWorker("worker-b");

        JsonNode jobs = pipeline.awaitJobsFinished(model, version, FINISH);
        List<String> ids = new ArrayList<>();
        for (JsonNode job : jobs) {
            ids.add(job.get("id").asText());
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("dead");
            // One claim (one lease); the worker's three tries all ran under it and the last one reported dead.
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
            assertThat(job.get("error").asText()).contains("attempt 3/3").contains("checksum mismatch");
        }
        assertThat(pipeline.version(model, version).get("status").asText()).isEqualTo("failed");

        List<String> deadLettered = new ArrayList<>();
        boolean garbageSeen = false;
        for (ConsumerRecord<String, String> r : read(CompressionJobMessage.DEAD_LETTER_TOPIC, ids.size() + 1,
                r -> r.value().contains(model) || r.value().equals("{not a job"))) {
            if (r.value().equals("{not a job")) {
                garbageSeen = true;
            } else {
                deadLettered.add(JSON.readTree(r.value()).get("jobId").asText());
            }
        }
        assertThat(garbageSeen).isTrue();
        assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    @Order(4)
    void aWorkerKilledMidJobLeavesExactlyOneVariantPerJob() throws Exception {
        String model = "it-kill";
        int version = uploadCnn(model);
        String killedJob = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (killedJob == null && System.nanoTime() < deadline) {
            for (JsonNode job : pipeline.jobs(model, version)) {
                if (job.get("status").asText().equals("running")) {
                    killedJob = job.get("id").asText();
                }
            }
            if (killedJob == null) {
                Thread.sleep(10);
            }
        }
        assertThat(killedJob).as("a job started").isNotNull();
        worker.kill();
        JsonNode atKill = pipeline.get("/api/v1/jobs/" + killedJob);
        System.out.println("killed the worker during job " + killedJob + ": " + atKill);

        worker = pipeline.startWorker("worker-c");
        JsonNode jobs = pipeline.awaitJobsFinished(model, version, FINISH);
        Map<String, Integer> variantsPerRecipe = new HashMap<>();
        for (JsonNode v : pipeline.variants(model, version)) {
            variantsPerRecipe.merge(v.get("recipeHash").asText(), 1, Integer::sum);
        }
        assertThat(variantsPerRecipe.values()).allMatch(n -> n == 1);
        int succeeded = 0;
        for (JsonNode job : jobs) {
            if (job.get("status").asText().equals("succeeded")) {
                succeeded++;
                assertThat(variantsPerRecipe).containsEntry(job.get("recipeHash").asText(), 1);
            }
            if (job.get("id").asText().equals(killedJob) && atKill.get("status").asText().equals("running")) {
                // The dead worker's lease expired, the registry re-queued the job, and the new worker claimed it
                // (a claim while that lease was live is refused, so attempts >= 2 means it went through expiry).
                assertThat(job.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
                assertThat(job.get("workerId").asText()).isEqualTo("worker-c");
                assertThat(job.get("status").asText()).isIn("succeeded", "failed");
            }
        }
        System.out.println("after redelivery: " + pipeline.get("/api/v1/jobs/" + killedJob));
        assertThat(events(VariantCreatedEvent.TOPIC, model, 1 + succeeded)).hasSize(1 + succeeded);
    }

    @Test
    @Order(5)
    void twoWorkersInOneGroupShareTheJobs() throws Exception {
        ServiceProcess second = pipeline.startWorker("worker-d");
        try {
            awaitEveryMemberOwnsPartitions("modelforge-compression", 2);
            int partitions = partitions(CompressionJobMessage.TOPIC);
            Set<Integer> covered = new HashSet<>();
            List<String[]> uploads = new ArrayList<>();
            for (int i = 0; i < 8 && (covered.size() < partitions || uploads.size() < 2); i++) {
                String model = "it-share-" + i;
                var v = pipeline.upload(model, uniqueModel("digits_cnn.onnx", model), null,
                        null);
                covered.add(Utils.toPositive(Utils.murmur2(Long.toString(v.modelId()).getBytes())) % partitions);
                uploads.add(new String[] {model, Integer.toString(v.version())});
            }
            assertThat(covered).hasSize(partitions);
            Map<String, Integer> perWorker = new HashMap<>();
            int total = 0;
            for (String[] u : uploads) {
                for (JsonNode job : pipeline.awaitJobsFinished(u[0], Integer.parseInt(u[1]), FINISH)) {
                    perWorker.merge(job.get("workerId").asText(), 1, Integer::sum);
                    total++;
                }
            }
            assertThat(total).isGreaterThanOrEqualTo(6);
            assertThat(perWorker.keySet()).containsExactlyInAnyOrder("worker-c", "worker-d");
        } finally {
            second.close();
        }
    }

    private static String modelName(String json) {
        try {
            return JSON.readTree(json).path("modelName").asText();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static JsonNode find(JsonNode jobs, String label) {
        for (JsonNode j : jobs) {
            if (j.at("/recipe/label").asText().equals(label)) {
                return j;
            }
        }
        throw new AssertionError("no job with recipe " + label + " in " + jobs);
    }

    private MinioClient s3() {
        LocalStack s = pipeline.stack();
        return MinioClient.builder().endpoint(s.s3Endpoint()).region(LocalStack.REGION)
                .credentials(s.s3AccessKey(), s.s3SecretKey()).build();
    }

    private Properties kafkaProps() {
        Properties p = new Properties();
        p.put("bootstrap.servers", pipeline.stack().kafkaBootstrap());
        return p;
    }

    /**
     * Lets the group rebalance so both members own partitions: waits until it is stable with exactly
     * {@code members} members (the worker killed earlier has left) that each own a partition. It used to be a fixed
     * 12 s pause; after 60 s it goes on as that pause did, and the assertions below tell.
     */
    private void awaitEveryMemberOwnsPartitions(String group, int members) throws Exception {
        try (Admin admin = Admin.create(kafkaProps())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                        .get(10, TimeUnit.SECONDS).get(group);
                if (d.groupState() == GroupState.STABLE && d.members().size() == members && d.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    System.out.println("group " + group + " shared by " + members + " members: " + d.members());
                    return;
                }
                Thread.sleep(250);
            }
            System.out.println("group " + group + " not shared by " + members + " members after 60 s");
        }
    }

    private int partitions(String topic) {
        try (KafkaConsumer<String, String> c = consumer()) {
            return c.partitionsFor(topic).size();
        }
    }

    private KafkaConsumer<String, String> consumer() {
        Properties p = kafkaProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private List<ConsumerRecord<String, String>> events(String topic, String model, int expected) {
        // The registry stores payloads as jsonb, which re-spaces them: compare parsed, not as text.
        return read(topic, expected, r -> model.equals(modelName(r.value())));
    }

    /** Reads {@code topic} from the start until {@code expected} records match, plus 2 s to catch extras. */
    private List<ConsumerRecord<String, String>> read(String topic, int expected,
                                                      java.util.function.Predicate<ConsumerRecord<String, String>> match) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer()) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long extra = 0;
            while (System.nanoTime() < deadline && (found.size() < expected || extra < 10)) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
                if (found.size() >= expected) {
                    extra++;
                }
            }
        }
        return found;
    }
}
