package dev.modelforge.registry.artifact;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.objectKeys;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import dev.modelforge.registry.RegistryTestSupport;
import dev.modelforge.registry.version.InjectableUploadFaults;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** No blob is lost to a race between uploads, a lost blob comes back, and garbage is collected. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class BlobRaceTest {
    @Inject
    BlobCollector collector;

    @AfterEach
    void clearFaults() {
        InjectableUploadFaults.FAIL_MODEL.set(null);
        InjectableUploadFaults.HOLD.clear();
        InjectableUploadFaults.REACHED.clear();
    }

    /**
     * Upload A stores a shared evaluation set first and fails; upload B of the same set is in flight (its
     * object check and copy done, its transaction not committed). A's cleanup must leave the object to B.
     */
    @Test
    void aFailedUploadNeverRemovesTheBlobOfAConcurrentOneSharingIt() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String a = "race-a-" + tag;
        String b = "race-b-" + tag;
        byte[] eval = evalSet(tag);
        String evalKey = "sha256/" + sha256(eval);
        var holdA = new CountDownLatch(1);
        var holdB = new CountDownLatch(1);
        var reachedA = new CountDownLatch(1);
        InjectableUploadFaults.HOLD.put(a, holdA);
        InjectableUploadFaults.HOLD.put(b, holdB);
        InjectableUploadFaults.REACHED.put(a, reachedA);
        InjectableUploadFaults.FAIL_MODEL.set(a);
        try {
            CompletableFuture<Response> uploadA = CompletableFuture.supplyAsync(() -> upload(a, reluModel(a), eval));
            assertThat(reachedA.await(60, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Response> uploadB = CompletableFuture.supplyAsync(() -> upload(b, reluModel(b), eval));
            // B has stored (reused) the set and now waits for A's uncommitted artifact row.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(BlobRaceTest::someoneWaitsOnARowLock);
            holdA.countDown();
            assertThat(uploadA.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(500);
            assertThat(objectKeys()).as("A's cleanup left B's blob").contains(evalKey);
            holdB.countDown();
            Response rb = uploadB.get(60, TimeUnit.SECONDS);
            assertThat(rb.statusCode()).as(rb.asString()).isEqualTo(201);
            assertThat(rb.<String>path("eval.sha256")).isEqualTo(sha256(eval));
        } finally {
            holdA.countDown();
            holdB.countDown();
        }
        assertThat(objectKeys()).contains(evalKey);
        assertThat(claims(sha256(eval))).as("claims are released").isZero();
    }

    @Test
    void aRegisteredObjectFoundMissingIsRestoredByTheNextUploadOfTheSameBytes() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        byte[] model = reluModel("restore-" + tag);
        String objectKey = "sha256/" + sha256(model);
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(model)
                .post("/api/v1/models/restore-{t}/versions", tag).then().statusCode(201);
        s3Remove(objectKey);
        assertThat(objectKeys()).doesNotContain(objectKey);
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(model)
                .post("/api/v1/models/restore2-{t}/versions", tag).then().statusCode(201);
        assertThat(objectKeys()).contains(objectKey);
    }

    @Test
    void theCollectorRemovesOrphansOnlyAndCountsThem() throws Exception {
        String orphanStaging = "staging/orphan-" + UUID.randomUUID();
        String unreferenced = "sha256/" + sha256(UUID.randomUUID().toString().getBytes());
        String claimed = sha256(UUID.randomUUID().toString().getBytes());
        s3Put(orphanStaging);
        s3Put(unreferenced);
        s3Put("sha256/" + claimed);
        byte[] model = reluModel("collect-" + UUID.randomUUID());
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(model)
                .post("/api/v1/models/collect-kept/versions").then().statusCode(201);
        // A claim of an upload in flight right now: younger than any real grace period.
        QuarkusTransaction.requiringNew().run(() -> Artifact.getEntityManager().createNativeQuery(
                        "insert into artifact_claim (id, sha256, claimed_at) values (:id, :sha, now() + interval '1 hour')")
                .setParameter("id", UUID.randomUUID()).setParameter("sha", claimed).executeUpdate());

        // A negative grace period makes every object old enough: only a row or a claim protects one.
        BlobCollector.Collected c = collector.collect(Duration.ofSeconds(-5));
        assertThat(c.staging()).isGreaterThanOrEqualTo(1);
        assertThat(c.unreferenced()).isGreaterThanOrEqualTo(1);
        assertThat(objectKeys()).doesNotContain(orphanStaging, unreferenced)
                .contains("sha256/" + sha256(model), "sha256/" + claimed);
        assertThat(given().auth().oauth2(key("reader")).get("/q/metrics").then().extract().asString())
                .contains("modelforge_storage_collected_total{kind=\"staging\"");
        QuarkusTransaction.requiringNew().run(() -> Artifact.getEntityManager()
                .createNativeQuery("delete from artifact_claim where sha256 = :sha").setParameter("sha", claimed)
                .executeUpdate());
        collector.collect(Duration.ofSeconds(-5));
        assertThat(objectKeys()).doesNotContain("sha256/" + claimed);
    }

    private static Response upload(String model, byte[] onnx, byte[] eval) {
        return given().auth().oauth2(key("uploader")).multiPart("model", "m.onnx", onnx, "application/octet-stream")
                .multiPart("eval", "eval.npz", eval, "application/octet-stream")
                .post("/api/v1/models/{name}/versions", model);
    }

    /** A valid evaluation set for single_relu (x: float[N, 2]), different per {@code tag}. */
    private static byte[] evalSet(String tag) throws Exception {
        Path p = Files.createTempFile("race", ".npz");
        try {
            float seed = Math.abs(tag.hashCode() % 1000);
            Npz.write(p, Map.of("x", NdArray.ofFloats(new float[] {seed, 1, 2, 3}, 2, 2)));
            return Files.readAllBytes(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    private static boolean someoneWaitsOnARowLock() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) Artifact.getEntityManager().createNativeQuery(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()")
                .getSingleResult()).longValue() > 0);
    }

    private static long claims(String sha) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) Artifact.getEntityManager().createNativeQuery(
                "select count(*) from artifact_claim where sha256 = :sha").setParameter("sha", sha)
                .getSingleResult()).longValue());
    }

    private static String bucket() {
        return ConfigProvider.getConfig().getValue("modelforge.storage.bucket", String.class);
    }

    private static void s3Put(String key) throws Exception {
        byte[] bytes = key.getBytes();
        RegistryTestSupport.s3().putObject(PutObjectArgs.builder().bucket(bucket()).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    private static void s3Remove(String key) throws Exception {
        RegistryTestSupport.s3().removeObject(RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
    }
}
