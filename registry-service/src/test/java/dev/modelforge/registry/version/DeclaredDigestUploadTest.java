package dev.modelforge.registry.version;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.objectKeys;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.s3;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelforge.api.version.UploadHeaders;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.RegistryTestSupport.Footprint;
import io.minio.GetObjectArgs;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Raw uploads that declare their SHA-256 in {@code Repr-Digest}: stored at the content address in one pass,
 * deduplicated without writing, and refused (with nothing left behind) when the bytes do not match.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class DeclaredDigestUploadTest {
    private static final String P = "https://modelforge.dev/problems/";

    private static Response upload(String model, byte[] body, String reprDigest) {
        return given().auth().oauth2(key("uploader")).contentType("application/octet-stream")
                .header(UploadHeaders.REPR_DIGEST, reprDigest).body(body)
                .post("/api/v1/models/{name}/versions", model);
    }

    private static byte[] stored(String sha) throws Exception {
        String bucket = ConfigProvider.getConfig().getValue("modelforge.storage.bucket", String.class);
        try (InputStream in = s3().getObject(GetObjectArgs.builder().bucket(bucket).object("sha256/" + sha).build())) {
            return in.readAllBytes();
        }
    }

    @Test
    void declaredDigestStoresAtTheContentAddressAndDeduplicates() throws Exception {
        byte[] onnx = reluModel("declared");
        String sha = sha256(onnx);
        upload("declared-a", onnx, UploadHeaders.reprDigest(sha)).then().statusCode(201)
                .body("artifact.sha256", equalTo(sha)).body("artifact.sizeBytes", equalTo(onnx.length))
                .body("signature.inputs[0].name", equalTo("x"));
        assertThat(stored(sha)).isEqualTo(onnx);
        assertThat(objectKeys()).noneMatch(k -> k.startsWith("staging/"));

        // The same bytes again (another model): verified and registered, stored once.
        upload("declared-b", onnx, UploadHeaders.reprDigest(sha)).then().statusCode(201)
                .body("artifact.sha256", equalTo(sha));
        assertThat(objectKeys()).filteredOn(k -> k.equals("sha256/" + sha)).hasSize(1);
        assertThat(objectKeys()).noneMatch(k -> k.startsWith("staging/"));

        // Other bytes claiming that digest: refused; the registered object is untouched, nothing new stored.
        byte[] other = reluModel("declared-liar");
        Footprint before = Footprint.now();
        upload("declared-b", other, UploadHeaders.reprDigest(sha)).then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo(P + "digest-mismatch"))
                .body("detail", containsString(sha256(other)));
        assertThat(Footprint.now()).isEqualTo(before);
        assertThat(stored(sha)).isEqualTo(onnx);
    }

    @Test
    void wrongDeclaredDigestOfNewBytesLeavesNothing() {
        byte[] onnx = reluModel("declared-wrong");
        String claimed = sha256("something else".getBytes(StandardCharsets.UTF_8));
        Footprint before = Footprint.now();
        upload("declared-wrong", onnx, UploadHeaders.reprDigest(claimed)).then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo(P + "digest-mismatch"));
        assertThat(Footprint.now()).isEqualTo(before);
        given().auth().oauth2(key("reader")).get("/api/v1/models/declared-wrong").then().statusCode(404);
    }

    @Test
    void anUnregisteredObjectAtTheDeclaredAddressIsReplacedNotTrusted() throws Exception {
        byte[] onnx = reluModel("declared-squatted");
        String sha = sha256(onnx);
        // Left behind by a crashed upload or written by another client: not bytes anyone verified.
        byte[] junk = "not the model".getBytes(StandardCharsets.UTF_8);
        String bucket = ConfigProvider.getConfig().getValue("modelforge.storage.bucket", String.class);
        s3().putObject(PutObjectArgs.builder().bucket(bucket).object("sha256/" + sha)
                .stream(new ByteArrayInputStream(junk), junk.length, -1).build());

        upload("declared-squatted", onnx, UploadHeaders.reprDigest(sha)).then().statusCode(201)
                .body("artifact.sha256", equalTo(sha));
        assertThat(stored(sha)).isEqualTo(onnx);
        assertThat(objectKeys()).noneMatch(k -> k.startsWith("staging/"));
    }

    @Test
    void malformedReprDigestIsRefusedBeforeReading() {
        Footprint before = Footprint.now();
        upload("declared-malformed", reluModel("declared-malformed"), "sha-256=:not base64!:").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo(P + "invalid-request"))
                .body("detail", containsString("Repr-Digest"));
        upload("declared-malformed", reluModel("declared-malformed"), "sha-256=:AAAA:").then().statusCode(400)
                .body("type", equalTo(P + "invalid-request"));
        assertThat(Footprint.now()).isEqualTo(before);
    }

    @Test
    void otherAlgorithmsAloneAreIgnored() {
        byte[] onnx = reluModel("declared-md5");
        upload("declared-md5", onnx, "md5=:AAAAAAAAAAAAAAAAAAAAAA==:").then().statusCode(201)
                .body("artifact.sha256", equalTo(sha256(onnx)));
    }
}
