package dev.modelforge.worker.benchmark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.worker.benchmark.measure.BenchmarkRunner;
import dev.modelforge.worker.benchmark.measure.MeasurementPlan;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job against real object storage (s3proxy from local-stack): download, verify, measure. */
class BenchmarkJobHandlerTest {

    private static final Path FIXTURES = Path.of("../compression-core/src/test/resources/fixtures");
    private static LocalStack stack;
    private static MinioClient s3;

    @TempDir
    Path work;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStackTestResource.shared(); // one stack per test JVM, shared with the @QuarkusTest
        s3 = MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(LocalStack.REGION).build();
    }

    @Test
    void measuresTheDownloadedVariantWithTheProfileSettings() throws Exception {
        StoredObject model = upload("variants/cnn.onnx", Files.readAllBytes(FIXTURES.resolve("digits_cnn.onnx")));
        StoredObject eval = upload("evals/cnn.npz", Files.readAllBytes(FIXTURES.resolve("digits_cnn_eval.npz")));
        // the registry's message carries the profile snapshot: no lookup (this one would fail the job)
        BenchmarkResult r = handler(name -> {
            throw new AssertionError("profile looked up although the job carries it");
        }).handle(new BenchmarkJob("job-1", "v-1", "tiny", model, "v-1", model, eval).withProfile(tiny()));

        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        assertThat(r.jobId()).isEqualTo("job-1");
        assertThat(r.variantId()).isEqualTo("v-1");
        assertThat(r.deviceProfile()).isEqualTo("tiny");
        assertThat(r.comparison()).as("the baseline itself is not compared with itself").isNull();
        assertThat(r.accuracy().top1Accuracy()).isGreaterThan(0.9);
        assertThat(r.sizeBytes()).isEqualTo(model.sizeBytes());
        assertThat(r.fingerprint().coresUsed()).isEqualTo(1); // profile hardware says 1 core
        assertThat(r.emulated()).isTrue(); // the profile is an arm64 device, this is not
    }

    @Test
    void corruptedDownloadIsAChecksumFailureNotAMeasurement() throws Exception {
        byte[] bytes = Files.readAllBytes(FIXTURES.resolve("digits_cnn.onnx"));
        StoredObject real = upload("variants/tampered.onnx", bytes);
        StoredObject claimed = new StoredObject(real.storageKey(), "00".repeat(32), real.sizeBytes());
        BenchmarkResult r = handler(name -> tiny()).handle(new BenchmarkJob("job-2", "v-2", "tiny", claimed, null, null, null));
        assertThat(r.status()).isEqualTo(BenchmarkStatus.FAILED);
        assertThat(r.failureReason()).isEqualTo(FailureReason.CHECKSUM_MISMATCH);
        assertThat(r.jobId()).isEqualTo("job-2");
        try (var files = Files.list(work)) {
            assertThat(files).as("scratch space cleaned").isEmpty();
        }
    }

    @Test
    void unreachableStorageIsTransientNotAFailedResult() throws Exception {
        StoredObject real = upload("variants/unreachable.onnx", Files.readAllBytes(FIXTURES.resolve("digits_cnn.onnx")));
        MinioClient nowhere = MinioClient.builder().endpoint("http://127.0.0.1:" + closedPort())
                .credentials("a", "b").region(LocalStack.REGION).build();
        BenchmarkJobHandler h = new BenchmarkJobHandler(new ArtifactStore(nowhere, LocalStack.BUCKET),
                new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(), Duration.ofMinutes(1), "test"),
                name -> tiny(), work, List.of(1), MeasurementPlan.quick());
        assertThatThrownBy(() -> h.handle(new BenchmarkJob("job-3", "v-3", "tiny", real, null, null, null)))
                .isInstanceOf(TransientFailure.class).hasMessageContaining("variants/unreachable.onnx");
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static DeviceProfile tiny() {
        return new DeviceProfile("tiny", "test", true,
                new Hardware("arm64", 1, 512, List.of("neon", "dotprod"), null),
                new RuntimeSettings("cpu", 1, 1, "all"), new Limits(null, null, 2048.0), List.of(), null, 1, null);
    }

    private BenchmarkJobHandler handler(Function<String, DeviceProfile> profiles) {
        BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(), Duration.ofMinutes(3), "test");
        return new BenchmarkJobHandler(new ArtifactStore(s3, LocalStack.BUCKET), runner,
                profiles, work, List.of(1, 4), MeasurementPlan.quick());
    }

    private static StoredObject upload(String key, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket(LocalStack.BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new StoredObject(key, sha, bytes.length);
    }
}
