package dev.modelforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.worker.compression.it.Pipeline;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15, "dependencies fail fast and honestly": the registry as its own JVM on its own stack, with PostgreSQL
 * and then the S3 server stopped (SIGSTOP, the way a stalled disk, a long GC or a frozen VM looks from outside) for
 * 20 s each. While a dependency stalls, requests answer 503 problem+json with {@code Retry-After} within a bound
 * (never a hang, never a 500), readiness turns DOWN, an interrupted upload leaves no object behind once the store
 * is back, and everything works again after {@code SIGCONT}. Recovery times are printed for the README.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencyOutageIT {
    private static final Duration STALL = Duration.ofSeconds(20);
    /** Every answer during a stall must come within this; the registry's own bounds below are all shorter. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(15);

    private Path workDir;
    private LocalStack stack;
    private Pipeline pipeline;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String readerKey;
    private String uploaderKey;

    @BeforeAll
    void start() throws Exception {
        workDir = Files.createTempDirectory("modelforge-outage");
        // The stack removes s3proxy's temp file of an aborted PUT this long after its last write (default 2 min).
        System.setProperty("modelforge.localstack.abandoned-put-after", "15s");
        stack = LocalStack.start(workDir.resolve("stack"));
        pipeline = Pipeline.start(stack, Path.of("target", "outage-logs"), Map.of(
                "MODELFORGE_DB_SOCKET_TIMEOUT_SECONDS", "4",
                "MODELFORGE_DB_ACQUISITION_TIMEOUT", "3s",
                "MODELFORGE_STORAGE_REQUEST_TIMEOUT", "4s",
                "MODELFORGE_STORAGE_STALL_TIMEOUT", "4s",
                "MODELFORGE_STORAGE_PROBE_TIMEOUT", "1s"));
        readerKey = pipeline.admin().createApiKey(new CreateApiKeyRequest("outage-reader", Role.READER)).secret();
        uploaderKey = pipeline.admin().createApiKey(new CreateApiKeyRequest("outage-up", Role.UPLOADER)).secret();
        assertThat(upload("outage-model", model(64 << 10, 1)).statusCode()).isEqualTo(201);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (pipeline != null) {
                pipeline.close();
            }
            if (stack != null) {
                stack.close();
            }
        } finally {
            E2eStack.deleteTree(workDir);
        }
    }

    @Test
    @Order(1)
    void stalledDatabaseAnswers503WithRetryAfterAndRecovers() throws Exception {
        List<Long> postgres = processTree(stack.externalProcesses().get("postgres"));
        signal("STOP", postgres);
        long resumedAt;
        try {
            // The reader key was never used, so the registry has not cached it: its lookup needs the database too.
            Timed<HttpResponse<String>> read = timed(() -> get("/api/v1/models/outage-model", readerKey));
            assertUnavailable(read, "read during a database stall");

            Timed<HttpResponse<String>> up = timed(() -> upload("outage-model", model(32 << 10, 2)));
            assertUnavailable(up, "upload during a database stall");

            Timed<HttpResponse<String>> ready = timed(() -> get("/q/health/ready", null));
            assertThat(ready.value().statusCode()).as("readiness while the database stalls").isEqualTo(503);
            assertThat(ready.elapsed()).isLessThan(ANSWER_BOUND);
            System.out.printf("outage: readiness during a database stall -> DOWN in %d ms%n", ready.elapsed().toMillis());
            sleepUntilStalledFor(STALL.toMillis(), read.startedAt());
        } finally {
            signal("CONT", postgres);
            resumedAt = System.nanoTime();
        }
        Duration recovery = awaitReady(Duration.ofSeconds(60), resumedAt);
        assertThat(get("/api/v1/models/outage-model", readerKey).statusCode()).isEqualTo(200);
        assertThat(upload("outage-model", model(32 << 10, 3)).statusCode()).isEqualTo(201);
        System.out.printf("outage: PostgreSQL SIGSTOP %d s -> ready again %d ms after SIGCONT%n",
                STALL.toSeconds(), recovery.toMillis());
    }

    @Test
    @Order(2)
    void stalledStorageAnswers503AndLeavesNoObject() throws Exception {
        List<String> before = objectKeys();
        byte[] big = model(50 << 20, 4);
        List<Long> s3proxy = List.of(stack.externalProcesses().get("s3proxy"));
        signal("STOP", s3proxy);
        long resumedAt;
        long stoppedAt = System.nanoTime();
        try {
            Timed<HttpResponse<String>> up = timed(() -> upload("outage-big", big));
            assertUnavailable(up, "50 MB upload during a storage stall");

            Timed<HttpResponse<String>> ready = timed(() -> get("/q/health/ready", null));
            assertThat(ready.value().statusCode()).as("readiness while storage stalls").isEqualTo(503);
            assertThat(ready.elapsed()).isLessThan(ANSWER_BOUND);
            System.out.printf("outage: readiness during a storage stall -> DOWN in %d ms%n", ready.elapsed().toMillis());
            sleepUntilStalledFor(STALL.toMillis(), stoppedAt);
        } finally {
            signal("CONT", s3proxy);
            resumedAt = System.nanoTime();
        }
        Duration recovery = awaitReady(Duration.ofSeconds(60), resumedAt);
        assertThat(get("/api/v1/models/outage-big", readerKey).statusCode())
                .as("a refused upload creates no model").isEqualTo(404);
        // What the interrupted upload wrote is removed once the store answers again (retried in the background).
        // s3proxy's filesystem store cannot list the bucket while the aborted PUT's temp file is still there; the
        // local stack's janitor removes it 15 s after its last write.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> after = null;
        while (System.nanoTime() < deadline) {
            try {
                after = objectKeys();
                if (after.equals(before)) {
                    break;
                }
            } catch (Exception storeStillSettling) {
                after = null;
            }
            Thread.sleep(1000);
        }
        assertThat(after).as("objects after the interrupted upload").isEqualTo(before);
        assertThat(upload("outage-big", big).statusCode()).as("the same upload once storage is back").isEqualTo(201);
        System.out.printf("outage: S3 SIGSTOP %d s during a 50 MB upload -> ready again %d ms after SIGCONT%n",
                STALL.toSeconds(), recovery.toMillis());
    }

    private void assertUnavailable(Timed<HttpResponse<String>> answer, String what) {
        HttpResponse<String> r = answer.value();
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("Retry-After")).as(what).isPresent();
        assertThat(r.body()).as(what).contains("service-unavailable");
        assertThat(answer.elapsed()).as(what + " answered within").isLessThan(ANSWER_BOUND);
        System.out.printf("outage: %s -> 503 in %d ms%n", what, answer.elapsed().toMillis());
    }

    private Duration awaitReady(Duration timeout, long since) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/q/health/ready", null).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - since);
                }
            } catch (IOException e) {
                // not answering yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the registry was not ready " + timeout.toSeconds() + " s after the dependency resumed");
    }

    private static void sleepUntilStalledFor(long millis, long sinceNanos) throws InterruptedException {
        long left = millis - Duration.ofNanos(System.nanoTime() - sinceNanos).toMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(pipeline.admin().baseUri() + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> upload(String model, byte[] onnx) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(pipeline.admin().baseUri() + "/api/v1/models/" + model + "/versions"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + uploaderKey)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(onnx)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private List<String> objectKeys() throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint()).region(LocalStack.REGION)
                .credentials(stack.s3AccessKey(), stack.s3SecretKey()).build();
        List<String> keys = new ArrayList<>();
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket(LocalStack.BUCKET).recursive(true).build())) {
            keys.add(r.get().objectName());
        }
        keys.sort(null);
        return keys;
    }

    /**
     * The fixture CNN with an unused random {@code UINT8} initializer of {@code padBytes} appended: a second
     * {@code graph} field is merged into the first by any protobuf reader, so the model stays valid.
     */
    private static byte[] model(int padBytes, long seed) throws IOException {
        Path root = Path.of(System.getProperty("modelforge.root", ".."));
        byte[] cnn = Files.readAllBytes(root.resolve("compression-core/src/test/resources/fixtures/digits_cnn.onnx"));
        byte[] pad = new byte[padBytes];
        new Random(seed).nextBytes(pad);
        var tensor = new ByteArrayOutputStream();
        field(tensor, 1, varint(padBytes));          // dims
        field(tensor, 2, varint(2));                 // data_type UINT8
        lengthDelimited(tensor, 8, ("pad_" + seed).getBytes());
        lengthDelimited(tensor, 9, pad);             // raw_data
        var graph = new ByteArrayOutputStream();
        lengthDelimited(graph, 5, tensor.toByteArray()); // initializer
        var out = new ByteArrayOutputStream();
        out.write(cnn);
        lengthDelimited(out, 7, graph.toByteArray());   // ModelProto.graph
        return out.toByteArray();
    }

    private static byte[] varint(long v) {
        var b = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            b.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
        return b.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] varintValue) {
        out.writeBytes(varint((long) number << 3));
        out.writeBytes(varintValue);
    }

    private static void lengthDelimited(ByteArrayOutputStream out, int number, byte[] value) {
        out.writeBytes(varint(((long) number << 3) | 2));
        out.writeBytes(varint(value.length));
        out.writeBytes(value);
    }

    /** The postmaster and its backends: stopping only the postmaster leaves open connections answering. */
    private static List<Long> processTree(Long root) {
        List<Long> pids = new ArrayList<>();
        if (root == null) {
            return pids;
        }
        pids.add(root);
        ProcessHandle.of(root).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        assertThat(pids).as("processes to " + signal).isNotEmpty();
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> command.add(String.valueOf(p)));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes());
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pids + ": " + output).isZero();
    }

    private record Timed<T>(T value, Duration elapsed, long startedAt) {
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> Timed<T> timed(Call<T> call) throws Exception {
        long start = System.nanoTime();
        T value = call.call();
        return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start), start);
    }
}
