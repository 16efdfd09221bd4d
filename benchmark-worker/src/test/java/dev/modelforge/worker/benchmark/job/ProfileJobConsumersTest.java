package dev.modelforge.worker.benchmark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.localstack.LocalStackTestResource;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The worker end to end on real Kafka and S3: a job on the topic becomes a result posted to the registry. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(RegistryStandIn.class)
class ProfileJobConsumersTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    StorageConfig storage;
    @Inject
    ObjectMapper mapper;

    @Test
    void jobForTheServedProfileIsMeasuredAndPostedOthersAreSkipped() throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(storage.endpoint())
                .credentials(storage.accessKey(), storage.secretKey()).region(storage.region()).build();
        byte[] model = Files.readAllBytes(Path.of("../compression-core/src/test/resources/fixtures/digits_cnn.onnx"));
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object("it/cnn.onnx")
                .stream(new ByteArrayInputStream(model), model.length, -1).build());
        StoredObject artifact = new StoredObject("it/cnn.onnx",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)), model.length);

        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            // same key → same partition → the foreign job is consumed (and skipped) before ours
            producer.send(new ProducerRecord<>(BenchmarkJob.TOPIC, "m1", mapper.writeValueAsString(
                    new BenchmarkJob("job-other", "v-9", "some-other-profile", artifact, null, null, null)))).get();
            producer.send(new ProducerRecord<>(BenchmarkJob.TOPIC, "m1", mapper.writeValueAsString(
                    new BenchmarkJob("job-it", "v-1", "test-cpu", artifact, null, null, null)))).get();
        }

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !RegistryStandIn.POSTED.isEmpty());
        assertThat(RegistryStandIn.POSTED).hasSize(1);
        String[] post = RegistryStandIn.POSTED.get(0);
        assertThat(post[0]).isEqualTo("/api/v1/variants/v-1/benchmarks");
        BenchmarkResult r = mapper.readValue(post[1], BenchmarkResult.class);
        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        assertThat(r.jobId()).isEqualTo("job-it");
        assertThat(r.deviceProfile()).isEqualTo("test-cpu");
        assertThat(r.emulated()).isTrue();
        assertThat(r.fingerprint().coresUsed()).isEqualTo(1);
        assertThat(r.latency().p50Millis()).isPositive();
        assertThat(r.peakRssMb()).isGreaterThan(r.baseRssMb());
        assertThat(LocalStack.BUCKET).isEqualTo(storage.bucket());
    }
}
