package dev.modelforge.worker.benchmark.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.Hardware;
import dev.modelforge.api.profile.Limits;
import dev.modelforge.api.profile.RuntimeSettings;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.worker.benchmark.measure.BenchmarkRunner;
import dev.modelforge.worker.benchmark.measure.MeasurementPlan;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job against real object storage (s3proxy from local-stack): download, verify, measure, deliver. */
class BenchmarkJobHandlerTest {

    private static final Path FIXTURES = Path.of("../compression-core/src/test/resources/fixtures");
    private static LocalStack stack;
    private static MinioClient s3;

    @TempDir
    Path work;

    private final List<BenchmarkResult> delivered = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start(Files.createTempDirectory("bench-worker-stack"));
        s3 = MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(LocalStack.REGION).build();
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void measuresTheDownloadedVariantWithTheProfileSettings() throws Exception {
        StoredObject model = upload("variants/cnn.onnx", Files.readAllBytes(FIXTURES.resolve("digits_cnn.onnx")));
        StoredObject eval = upload("evals/cnn.npz", Files.readAllBytes(FIXTURES.resolve("digits_cnn_eval.npz")));
        BenchmarkResult r = handler().handle(new BenchmarkJob("job-1", "v-1", "tiny", model, "v-1", model, eval));

        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        assertThat(r.jobId()).isEqualTo("job-1");
        assertThat(r.variantId()).isEqualTo("v-1");
        assertThat(r.deviceProfile()).isEqualTo("tiny");
        assertThat(r.comparison()).as("the baseline itself is not compared with itself").isNull();
        assertThat(r.accuracy().top1Accuracy()).isGreaterThan(0.9);
        assertThat(r.sizeBytes()).isEqualTo(model.sizeBytes());
        assertThat(r.fingerprint().coresUsed()).isEqualTo(1); // profile hardware says 1 core
        assertThat(r.emulated()).isTrue(); // the profile is an arm64 device, this is not
        assertThat(delivered).containsExactly(r);
    }

    @Test
    void corruptedDownloadIsAChecksumFailureNotAMeasurement() throws Exception {
        byte[] bytes = Files.readAllBytes(FIXTURES.resolve("digits_cnn.onnx"));
        StoredObject real = upload("variants/tampered.onnx", bytes);
        StoredObject claimed = new StoredObject(real.storageKey(), "00".repeat(32), real.sizeBytes());
        BenchmarkResult r = handler().handle(new BenchmarkJob("job-2", "v-2", "tiny", claimed, null, null, null));
        assertThat(r.status()).isEqualTo(BenchmarkStatus.FAILED);
        assertThat(r.failureReason()).isEqualTo(FailureReason.CHECKSUM_MISMATCH);
        assertThat(r.jobId()).isEqualTo("job-2");
        assertThat(delivered).containsExactly(r);
        try (var files = Files.list(work)) {
            assertThat(files).as("scratch space cleaned").isEmpty();
        }
    }

    private BenchmarkJobHandler handler() {
        DeviceProfile tiny = new DeviceProfile("tiny", "test", true,
                new Hardware("arm64", 1, 512, List.of("neon", "dotprod"), null),
                new RuntimeSettings("cpu", 1, 1, "all"), new Limits(null, null, 2048.0), List.of(), null, 1, null);
        BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(), Duration.ofMinutes(3), "test");
        return new BenchmarkJobHandler(new ArtifactStore(s3, LocalStack.BUCKET), runner,
                name -> tiny, delivered::add, work, List.of(1, 4), MeasurementPlan.quick());
    }

    private static StoredObject upload(String key, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket(LocalStack.BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new StoredObject(key, sha, bytes.length);
    }
}
