package dev.modelforge.worker.benchmark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.UploadRequest;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.variant.VariantRegistration;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.worker.benchmark.measure.IndependentTop1;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The worker against the REAL registry (its packaged jar as a child process) on the real local stack: uploads become
 * benchmark jobs published through the registry's outbox, the worker (two consumers of one profile) measures them
 * and the registry stores the results; a compressed variant is measured paired against its baseline; the
 * registry's re-benchmark endpoint queues new jobs that are measured again. Runs in {@code mvn verify}
 * (integration-test phase), after registry-service is packaged.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RealRegistry.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealRegistryIT {

    private static final Path FIXTURES = Path.of("../compression-core/src/test/resources/fixtures");
    private static final String PROFILE = "iot-1core";
    private static final Duration WAIT = Duration.ofMinutes(8);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    ProfileJobConsumers consumers;
    @Inject
    StorageConfig storage;

    @Test
    @Order(1)
    void uploadsAreMeasuredOnceEachAndTwoConsumersOfTheProfileShareThem() throws Exception {
        JobConsumerLoop first = consumers.loops().get(0);
        JobConsumerLoop second = consumers.startLoop(PROFILE, "it-second");
        try {
            await().atMost(WAIT).until(() -> !first.assigned().isEmpty() && !second.assigned().isEmpty());
            // the registry keys jobs by model id: upload until both consumers own a partition some job lands on
            Set<TopicPartition> firstOwns = first.assigned();
            Set<TopicPartition> secondOwns = second.assigned();
            int partitions = firstOwns.size() + secondOwns.size();
            List<String> models = new ArrayList<>();
            Set<Integer> hit = new HashSet<>();
            for (int i = 0; i < 12 && (models.size() < 4 || !hits(hit, firstOwns) || !hits(hit, secondOwns)); i++) {
                String model = "it-share-" + i + "-" + RUN;
                long modelId = uploadVersion(model).modelId();
                models.add(model);
                hit.add(Utils.toPositive(Utils.murmur2(Long.toString(modelId).getBytes(StandardCharsets.UTF_8)))
                        % partitions);
            }
            assertThat(hits(hit, firstOwns) && hits(hit, secondOwns)).as("jobs for both consumers").isTrue();
            double expected = IndependentTop1.of(FIXTURES.resolve("digits_cnn.onnx"),
                    FIXTURES.resolve("digits_cnn_eval.npz"));
            Set<String> workers = new HashSet<>();
            for (String model : models) {
                JsonNode job = awaitBenchmarkJob(model);
                assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
                assertThat(job.path("reason").asText()).isEqualTo("variant-created");
                workers.add(job.path("workerId").asText());
                List<BenchmarkResult> results = results(job.path("variantId").asText());
                assertThat(results).as("measured exactly once").hasSize(1);
                BenchmarkResult r = results.get(0);
                assertThat(r.jobId()).isEqualTo(job.path("id").asText());
                assertThat(r.status()).isEqualTo(BenchmarkStatus.OK);
                assertThat(r.deviceProfile()).isEqualTo(PROFILE);
                assertThat(r.fingerprint().coresUsed()).isEqualTo(1);
                assertThat(r.comparison()).as("the baseline is not compared with itself").isNull();
                assertThat(r.accuracy().samples()).isEqualTo(360);
                assertThat(r.accuracy().top1Accuracy()).isEqualTo(expected);
            }
            assertThat(workers).hasSize(2).contains("it-second");
        } finally {
            consumers.stopLoop(second);
        }
    }

    @Test
    @Order(2)
    void compressedVariantIsMeasuredPairedAgainstItsBaseline() throws Exception {
        String model = upload("it-paired-" + RUN);
        JsonNode baselineJob = awaitBenchmarkJob(model);
        String baselineId = baselineJob.path("variantId").asText();
        // act as the compression worker: claim a job that serves the profile and register a variant for it
        JsonNode compression = null;
        for (JsonNode j : RealRegistry.get("/api/v1/models/" + model + "/versions/1/jobs")) {
            if (j.path("profiles").toString().contains("\"" + PROFILE + "\"")) {
                compression = j;
                break;
            }
        }
        assertThat(compression).as("a compression job serving " + PROFILE).isNotNull();
        String jobId = compression.path("id").asText();
        byte[] bytes = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("digits_cnn.onnx"))).toBuilder()
                .setDocString("variant " + RUN).build().toByteArray();
        StoredObject stored = putContentAddressed(bytes);
        String lease = RealRegistry.claim(jobId, new JobClaim("it-compressor"));
        JsonNode variant = RealRegistry.call("POST", "/api/v1/jobs/" + jobId + "/variant",
                new VariantRegistration("it-compressor", "it-tool-1", stored, null), 201, lease);
        String variantId = variant.path("id").asText();

        JsonNode job = awaitBenchmarkJob(model, variantId);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        List<BenchmarkResult> results = results(variantId);
        assertThat(results).hasSize(1);
        BenchmarkResult r = results.get(0);
        assertThat(r.comparison()).as("paired A/B with the baseline").isNotNull();
        assertThat(r.comparison().baselineVariantId()).isEqualTo(baselineId);
        assertThat(r.comparison().ratio()).isPositive().isBetween(r.comparison().ciLow(), r.comparison().ciHigh());
        assertThat(r.comparison().baselineLatency().p50Millis()).isPositive();
        // same weights as the baseline (only the doc string differs): identical outputs
        assertThat(r.accuracy().top1Agreement()).isEqualTo(1.0);
        assertThat(r.accuracy().maxAbsError()).isEqualTo(0.0);
        assertThat(r.sizeBytes()).isEqualTo(bytes.length);
    }

    @Test
    @Order(3)
    void rebenchmarkQueuesNewJobsThatAreMeasuredAgain() throws Exception {
        JsonNode answer = RealRegistry.call("POST", "/api/v1/device-profiles/" + PROFILE + "/rebenchmark",
                Map.of("runtimeVersion", "0.0.0-it-" + RUN), 200);
        List<String> queued = new ArrayList<>();
        answer.path("queued").forEach(n -> queued.add(n.asText()));
        assertThat(queued).as(answer.toString()).isNotEmpty();
        for (String id : queued) {
            await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String s = RealRegistry.get("/api/v1/benchmark-jobs/" + id).path("status").asText();
                return s.equals("succeeded") || s.equals("failed");
            });
            JsonNode job = RealRegistry.get("/api/v1/benchmark-jobs/" + id);
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
            assertThat(job.path("reason").asText()).isEqualTo("rebenchmark");
            List<BenchmarkResult> results = results(job.path("variantId").asText());
            assertThat(results).extracting(BenchmarkResult::jobId).contains(id);
            assertThat(results.size()).as("the earlier result is kept next to the new one").isGreaterThanOrEqualTo(2);
        }
    }

    // ---- helpers ----

    private static boolean hits(Set<Integer> partitions, Set<TopicPartition> owned) {
        return owned.stream().anyMatch(tp -> partitions.contains(tp.partition()));
    }

    private String upload(String model) throws Exception {
        uploadVersion(model);
        return model;
    }

    private ModelVersionDto uploadVersion(String model) throws Exception {
        Path file = Files.createTempFile("it-model", ".onnx");
        Files.write(file, OnnxMl.ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("digits_cnn.onnx")))
                .toBuilder().setDocString(model).build().toByteArray());
        RegistryClient admin = new RegistryClient(URI.create(RealRegistry.baseUrl()), RealRegistry.ADMIN_KEY);
        ModelVersionDto v = admin.upload(new UploadRequest(model, file, FIXTURES.resolve("digits_cnn_eval.npz"),
                FIXTURES.resolve("digits_cnn_calib.npz"), null, null), (sent, total) -> { }).version();
        Files.delete(file);
        return v;
    }

    /** The model's baseline benchmark job on the profile, once it is finished. */
    private static JsonNode awaitBenchmarkJob(String model) {
        return awaitBenchmarkJob(model, null);
    }

    private static JsonNode awaitBenchmarkJob(String model, String variantId) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (JsonNode j : RealRegistry.get("/api/v1/models/" + model + "/versions/1/benchmark-jobs")) {
                boolean mine = j.path("deviceProfile").asText().equals(PROFILE) && (variantId == null
                        ? j.path("recipe").asText().equals("baseline") : j.path("variantId").asText().equals(variantId));
                String s = j.path("status").asText();
                if (mine && (s.equals("succeeded") || s.equals("failed"))) {
                    found[0] = j;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static List<BenchmarkResult> results(String variantId) throws Exception {
        JsonNode all = RealRegistry.get("/api/v1/variants/" + variantId + "/benchmarks");
        List<BenchmarkResult> mine = new ArrayList<>();
        for (JsonNode n : all) {
            BenchmarkResult r = RealRegistry.JSON.treeToValue(n, BenchmarkResult.class);
            if (PROFILE.equals(r.deviceProfile())) {
                mine.add(r);
            }
        }
        return mine;
    }

    private StoredObject putContentAddressed(byte[] bytes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        MinioClient s3 = MinioClient.builder().endpoint(storage.endpoint())
                .credentials(storage.accessKey(), storage.secretKey()).region(storage.region()).build();
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object("sha256/" + sha)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return new StoredObject("sha256/" + sha, sha, bytes.length);
    }

}
