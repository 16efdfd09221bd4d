package dev.modelforge.worker.benchmark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.worker.benchmark.job.RegistryStandIn.Seen;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The worker end to end on real Kafka and S3 (local-stack) against a stand-in that answers like the registry's
 * benchmark endpoints: jobs measured and posted with the worker key, paired A/B with a baseline, two consumers of one
 * profile sharing jobs, poison messages and exhausted retries dead-lettered, the registry down for a while, broken
 * variants as failed results, redeliveries of finished jobs dropped.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RegistryStandIn.class, restrictToAnnotatedClass = true)
class ProfileJobConsumersTest {

    private static final Path FIXTURES = Path.of("../compression-core/src/test/resources/fixtures");
    private static final Duration WAIT = Duration.ofMinutes(5);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    StorageConfig storage;
    @Inject
    ObjectMapper mapper;
    @Inject
    ProfileJobConsumers consumers;
    @TestHTTPResource("/q/health/live")
    java.net.URL live;

    @Test
    void livenessShowsTheRunningProfileConsumer() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(live.toURI()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("benchmark-consumers").contains("benchmark-test-cpu-0").contains("running");
    }

    @Test
    void servedProfileJobIsStartedMeasuredAndPostedWithTheWorkerKeyOthersAreSkipped() throws Exception {
        StoredObject cnn = upload("a/cnn.onnx", fixture("digits_cnn.onnx"));
        String mine = job("a-mine");
        String other = job("a-other");
        RegistryStandIn.queue(mine, "v-a", "test-cpu");
        // same key → same partition → the foreign job is consumed (and skipped) before ours
        publish("m-a", mapper.writeValueAsString(new BenchmarkJob(other, "v-a9", "some-other-profile", cnn, null, null, null)));
        publish("m-a", mapper.writeValueAsString(new BenchmarkJob(mine, "v-a", "test-cpu", cnn, null, null, null)));

        BenchmarkResult r = awaitStored(mine);
        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        assertThat(r.variantId()).isEqualTo("v-a");
        assertThat(r.deviceProfile()).isEqualTo("test-cpu");
        assertThat(r.emulated()).isTrue();
        assertThat(r.fingerprint().coresUsed()).isEqualTo(1);
        assertThat(r.latency().p50Millis()).isPositive();
        assertThat(r.peakRssMb()).isGreaterThan(r.baseRssMb());
        assertThat(r.comparison()).as("a baseline is not compared with itself").isNull();

        List<Seen> starts = RegistryStandIn.seen("POST", ".*/benchmark-jobs/" + mine + "/start");
        assertThat(starts).hasSize(1);
        assertThat(starts.get(0).json().path("workerId").asText()).isNotBlank();
        assertThat(RegistryStandIn.seen("GET", "/api/v1/device-profiles/test-cpu")).isNotEmpty();
        assertThat(RegistryStandIn.SEEN).allSatisfy(s -> assertThat(s.authorization())
                .isEqualTo("Bearer " + RegistryStandIn.WORKER_KEY));
        assertThat(RegistryStandIn.SEEN).noneMatch(s -> s.path().contains(other) || s.body().contains(other));
    }

    @Test
    void variantWithABaselineGetsThePairedRatioWithItsIntervalAndUsesTheProfileSnapshot() throws Exception {
        byte[] model = fixture("digits_cnn.onnx");
        StoredObject variant = upload("b/variant.onnx", model);
        StoredObject baseline = upload("b/baseline.onnx", model);
        StoredObject eval = upload("b/eval.npz", fixture("digits_cnn_eval.npz"));
        DeviceProfile snapshot = mapper.readValue(RegistryStandIn.PROFILE_JSON, DeviceProfile.class);
        String id = job("b");
        RegistryStandIn.queue(id, "v-b", "test-cpu");
        int profileReads = RegistryStandIn.seen("GET", "/api/v1/device-profiles/.*").size();
        // what the registry publishes: the record plus fields this worker does not know
        ObjectNode message = mapper.valueToTree(new BenchmarkJob(id, "v-b", "test-cpu", variant, "v-base", baseline, eval,
                "m-b", "cnn", 1, snapshot, "variant-created"));
        message.put("someFutureField", 42);
        publish("m-b", message.toString());

        BenchmarkResult r = awaitStored(id);
        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        assertThat(r.comparison()).isNotNull();
        assertThat(r.comparison().baselineVariantId()).isEqualTo("v-base");
        assertThat(r.comparison().processes()).isEqualTo(1);
        assertThat(r.comparison().rounds()).isPositive();
        assertThat(r.comparison().ratio()).isPositive().isBetween(r.comparison().ciLow(), r.comparison().ciHigh());
        assertThat(r.comparison().baselineLatency().p50Millis()).isPositive();
        // the baseline is the same model: the worker must have run both and found them identical
        assertThat(r.accuracy().top1Agreement()).isEqualTo(1.0);
        assertThat(r.accuracy().maxAbsError()).isEqualTo(0.0);
        assertThat(r.accuracy().top1Accuracy()).isGreaterThan(0.9);
        assertThat(RegistryStandIn.seen("GET", "/api/v1/device-profiles/.*")).as("snapshot used, no profile read")
                .hasSize(profileReads);
    }

    @Test
    void twoConsumersOfOneProfileShareTheJobsAndMeasureEachOnce() throws Exception {
        StoredObject cnn = upload("c/cnn.onnx", fixture("digits_cnn.onnx"));
        // the topic exists before partitions are counted
        publish("m-c", mapper.writeValueAsString(new BenchmarkJob(job("c-foreign"), "v-x", "other", cnn, null, null, null)));
        JobConsumerLoop first = consumers.loops().get(0);
        JobConsumerLoop second = consumers.startLoop("test-cpu", "second-worker");
        try {
            await().atMost(WAIT).until(() -> !first.assigned().isEmpty() && !second.assigned().isEmpty()
                    && first.assigned().size() + second.assigned().size() == partitions());
            Set<TopicPartition> secondOnes = second.assigned();
            assertThat(first.assigned()).doesNotContainAnyElementsOf(secondOnes);

            // 2 jobs per partition; the last two are one variant measured twice (a re-benchmark is a new job id)
            int n = 2 * partitions();
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = job("c" + i);
                String variant = i >= n - 2 ? "v-c-rebench" : "v-c" + i;
                ids.add(id);
                RegistryStandIn.queue(id, variant, "test-cpu");
                publish(i % partitions(), "m-c", mapper.writeValueAsString(new BenchmarkJob(id, variant, "test-cpu",
                        cnn, null, null, null, "m-c", "cnn", 1, null, i >= n - 1 ? "rebenchmark" : "variant-created")));
            }
            Set<String> workers = new HashSet<>();
            for (String id : ids) {
                assertThat(awaitStored(id).status()).isEqualTo(BenchmarkStatus.OK);
                assertThat(RegistryStandIn.seen("POST", ".*/benchmarks").stream()
                        .filter(s -> s.body().contains(id)).toList()).as("posted once: " + id).hasSize(1);
                List<Seen> starts = RegistryStandIn.seen("POST", ".*/benchmark-jobs/" + id + "/start");
                assertThat(starts).as("started once: " + id).hasSize(1);
                workers.add(starts.get(0).json().path("workerId").asText());
            }
            assertThat(workers).hasSize(2).contains("second-worker");
            assertThat(RegistryStandIn.seen("POST", "/api/v1/variants/v-c-rebench/benchmarks"))
                    .as("a re-benchmark is a new job: measured and stored again").hasSize(2)
                    .extracting(Seen::status).containsOnly(201);
        } finally {
            consumers.stopLoop(second);
        }
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicRightAwayAndTheWorkerKeepsGoing() throws Exception {
        StoredObject cnn = upload("d/cnn.onnx", fixture("digits_cnn.onnx"));
        String key = "m-d-" + UUID.randomUUID();
        publish(key, "{not json");
        String incomplete = "{\"jobId\":\"" + job("d-incomplete") + "\"}";
        publish(key, incomplete);
        String good = job("d-good");
        RegistryStandIn.queue(good, "v-d", "test-cpu");
        publish(key, mapper.writeValueAsString(new BenchmarkJob(good, "v-d", "test-cpu", cnn, null, null, null)));

        assertThat(awaitStored(good).status()).isEqualTo(BenchmarkStatus.OK);
        List<ConsumerRecord<String, String>> dead = deadLetters(key, 2);
        assertThat(dead).extracting(ConsumerRecord::value).containsExactly("{not json", incomplete);
        for (ConsumerRecord<String, String> d : dead) {
            assertThat(header(d, DeadLetters.REASON)).isNotBlank();
            assertThat(header(d, DeadLetters.ATTEMPTS)).isEqualTo("0");
            assertThat(header(d, DeadLetters.TOPIC)).isEqualTo(BenchmarkJob.TOPIC);
        }
        assertThat(header(dead.get(0), DeadLetters.REASON)).contains("unreadable");
        assertThat(header(dead.get(1), DeadLetters.REASON)).contains("lacks");
    }

    @Test
    void registryDownForAWhileIsRetriedAndTheResultMeasuredOnceIsAccepted() throws Exception {
        StoredObject cnn = upload("e/cnn.onnx", fixture("digits_cnn.onnx"));
        String id = job("e");
        RegistryStandIn.queue(id, "v-e", "test-cpu");
        RegistryStandIn.failNext(".*/benchmark-jobs/" + id + "/start", 2);
        RegistryStandIn.failNext("/api/v1/variants/v-e/benchmarks", 3);
        String key = "m-e-" + UUID.randomUUID();
        publish(key, mapper.writeValueAsString(new BenchmarkJob(id, "v-e", "test-cpu", cnn, null, null, null)));

        assertThat(awaitStored(id).status()).isEqualTo(BenchmarkStatus.OK);
        assertThat(RegistryStandIn.seen("POST", ".*/benchmark-jobs/" + id + "/start")).extracting(Seen::status)
                .containsExactly(503, 503, 200);
        List<Seen> posts = RegistryStandIn.seen("POST", "/api/v1/variants/v-e/benchmarks");
        assertThat(posts).extracting(Seen::status).containsExactly(503, 503, 503, 201);
        assertThat(posts).extracting(Seen::body).as("retries re-post, never re-measure").containsOnly(posts.get(0).body());
        // committed: the next job on the same partition is processed, and nothing was dead-lettered
        String next = job("e-next");
        RegistryStandIn.queue(next, "v-e2", "test-cpu");
        publish(key, mapper.writeValueAsString(new BenchmarkJob(next, "v-e2", "test-cpu", cnn, null, null, null)));
        awaitStored(next);
        assertThat(RegistryStandIn.seen("POST", ".*/benchmark-jobs/" + id + "/start")).hasSize(3);
        assertThat(deadLetters(key, 0)).isEmpty();
    }

    @Test
    void anOutageBeforeTheLeaseIsRiddenOutForThePatienceThenDeadLetteredWithTheReason() throws Exception {
        StoredObject cnn = upload("f/cnn.onnx", fixture("digits_cnn.onnx"));
        String id = job("f");
        RegistryStandIn.queue(id, "v-f", "test-cpu");
        String start = ".*/benchmark-jobs/" + id + "/start";
        RegistryStandIn.failNext(start, 1000);
        String key = "m-f-" + UUID.randomUUID();
        publish(key, mapper.writeValueAsString(new BenchmarkJob(id, "v-f", "test-cpu", cnn, null, null, null)));

        ConsumerRecord<String, String> dead = deadLetters(key, 1).get(0);
        // far more than the 6 attempts a bug gets: an outage is not poison until it outlasts the 3 s patience
        int attempts = Integer.parseInt(header(dead, DeadLetters.ATTEMPTS));
        assertThat(attempts).isGreaterThan(6);
        assertThat(header(dead, DeadLetters.REASON)).contains("unreachable").contains("503");
        assertThat(header(dead, DeadLetters.CAUSE)).isEqualTo(TransientFailure.class.getName());
        assertThat(dead.value()).contains(id);
        assertThat(RegistryStandIn.seen("POST", start)).hasSize(attempts).extracting(Seen::status).containsOnly(503);
        assertThat(RegistryStandIn.RESULTS_BY_JOB).doesNotContainKey(id);
        RegistryStandIn.failNext(start, 0);
    }

    @Test
    void brokenVariantsBecomeFailedResultsWithTheReasonAndTheWorkerKeepsGoing() throws Exception {
        StoredObject garbage = upload("g/garbage.onnx", "this is not an ONNX model".getBytes(StandardCharsets.UTF_8));
        StoredObject missing = new StoredObject("g/never-uploaded.onnx", "ab".repeat(32), 10);
        StoredObject cnn = upload("g/cnn.onnx", fixture("digits_cnn.onnx"));
        String corrupt = job("g-corrupt");
        String gone = job("g-missing");
        String fine = job("g-fine");
        RegistryStandIn.queue(corrupt, "v-g1", "test-cpu");
        RegistryStandIn.queue(gone, "v-g2", "test-cpu");
        RegistryStandIn.queue(fine, "v-g3", "test-cpu");
        String key = "m-g-" + UUID.randomUUID();
        publish(key, mapper.writeValueAsString(new BenchmarkJob(corrupt, "v-g1", "test-cpu", garbage, null, null, null)));
        publish(key, mapper.writeValueAsString(new BenchmarkJob(gone, "v-g2", "test-cpu", missing, null, null, null)));
        publish(key, mapper.writeValueAsString(new BenchmarkJob(fine, "v-g3", "test-cpu", cnn, null, null, null)));

        BenchmarkResult c = awaitStored(corrupt);
        assertThat(c.status()).isEqualTo(BenchmarkStatus.FAILED);
        assertThat(c.failureReason()).isEqualTo(FailureReason.CORRUPT_MODEL);
        assertThat(c.failureDetail()).isNotBlank();
        BenchmarkResult g = awaitStored(gone);
        assertThat(g.status()).isEqualTo(BenchmarkStatus.FAILED);
        assertThat(g.failureReason()).isEqualTo(FailureReason.RUNTIME_ERROR);
        assertThat(g.failureDetail()).contains("g/never-uploaded.onnx").contains("does not exist");
        assertThat(awaitStored(fine).status()).isEqualTo(BenchmarkStatus.OK);
        assertThat(RegistryStandIn.seen("POST", "/api/v1/variants/v-g1/benchmarks")).hasSize(1);
    }

    @Test
    void redeliveryOfAFinishedJobIsDroppedWithoutMeasuring() throws Exception {
        StoredObject cnn = upload("h/cnn.onnx", fixture("digits_cnn.onnx"));
        String done = job("h-done");
        RegistryStandIn.queue(done, "v-h", "test-cpu");
        RegistryStandIn.JOBS.get(done).status = "succeeded";
        String after = job("h-after");
        RegistryStandIn.queue(after, "v-h2", "test-cpu");
        String key = "m-h-" + UUID.randomUUID();
        publish(key, mapper.writeValueAsString(new BenchmarkJob(done, "v-h", "test-cpu", cnn, null, null, null)));
        publish(key, mapper.writeValueAsString(new BenchmarkJob(after, "v-h2", "test-cpu", cnn, null, null, null)));

        awaitStored(after);
        assertThat(RegistryStandIn.seen("POST", ".*/benchmark-jobs/" + done + "/start")).extracting(Seen::status)
                .containsExactly(409);
        assertThat(RegistryStandIn.seen("POST", "/api/v1/variants/v-h/benchmarks")).isEmpty();
        assertThat(deadLetters(key, 0)).isEmpty();
    }

    // ---- helpers ----

    private static String job(String tag) {
        return tag + "-" + UUID.randomUUID();
    }

    private BenchmarkResult awaitStored(String jobId) throws Exception {
        // pollDelay 0: a fixed poll interval would otherwise also delay the first look by 500 ms, on every call
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .until(() -> RegistryStandIn.RESULTS_BY_JOB.containsKey(jobId));
        return mapper.readValue(RegistryStandIn.RESULTS_BY_JOB.get(jobId), BenchmarkResult.class);
    }

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(FIXTURES.resolve(name));
    }

    private StoredObject upload(String key, byte[] bytes) throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(storage.endpoint())
                .credentials(storage.accessKey(), storage.secretKey()).region(storage.region()).build();
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return new StoredObject(key, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                bytes.length);
    }

    private void publish(String key, String value) throws Exception {
        publish(null, key, value);
    }

    private void publish(Integer partition, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props(), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(BenchmarkJob.TOPIC, partition, key, value)).get();
        }
    }

    private int partitions() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props(), new StringDeserializer(),
                new StringDeserializer())) {
            return c.partitionsFor(BenchmarkJob.TOPIC).size();
        }
    }

    /**
     * The dead-letter records with {@code key}: waits for {@code expected}; when none are expected, reads the topic
     * up to its end (the worker sends a dead letter synchronously before it commits and moves on, so whatever it
     * dead-lettered before the job the caller saw finish is below the end offsets).
     */
    private List<ConsumerRecord<String, String>> deadLetters(String key, int expected) {
        Properties p = props();
        p.put("group.id", "dlq-reader-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> found = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            if (expected == 0) {
                // empty when the topic does not exist: then nothing was ever dead-lettered
                List<TopicPartition> partitions = c.partitionsFor(BenchmarkJob.DEAD_LETTER_TOPIC).stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                c.assign(partitions);
                c.seekToBeginning(partitions);
                java.util.Map<TopicPartition, Long> end = c.endOffsets(partitions);
                while (System.nanoTime() < deadline && partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                    pollInto(c, key, found);
                }
                assertThat(partitions).as("dead-letter topic read to its end")
                        .allMatch(tp -> c.position(tp) >= end.get(tp));
                return found;
            }
            c.subscribe(List.of(BenchmarkJob.DEAD_LETTER_TOPIC));
            while (System.nanoTime() < deadline && found.size() < expected) {
                pollInto(c, key, found);
            }
        }
        return found;
    }

    /** One poll of {@code c}, keeping the records with {@code key}. */
    private static void pollInto(KafkaConsumer<String, String> c, String key, List<ConsumerRecord<String, String>> found) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
            if (key.equals(r.key())) {
                found.add(r);
            }
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Properties props() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return p;
    }
}
