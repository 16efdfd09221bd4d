package dev.modelforge.registry.version;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.resource;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.RegistryTestSupport.Footprint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every rejected upload answers a problem with a stable type and leaves no object, row or event. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class BadUploadTest {
    private static final String P = "https://modelforge.dev/problems/";
    private Footprint before;

    @BeforeEach
    void snapshot() {
        before = Footprint.now();
    }

    @AfterEach
    void nothingHalfWritten() {
        InjectableUploadFaults.FAIL_MODEL.set(null);
        assertThat(Footprint.now()).isEqualTo(before);
    }

    private static ValidatableResponse raw(String model, byte[] body) {
        return given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(body)
                .post("/api/v1/models/{name}/versions", model).then().contentType("application/problem+json");
    }

    @Test
    void notOnnxBytes() {
        raw("bad-bytes", "this is a README, not a model\n".getBytes(StandardCharsets.UTF_8))
                .statusCode(400).body("type", equalTo(P + "invalid-onnx")).body("status", equalTo(400));
    }

    @Test
    void truncatedProtobuf() {
        byte[] onnx = reluModel();
        raw("bad-truncated", Arrays.copyOf(onnx, onnx.length / 2)).statusCode(400).body("type", equalTo(P + "invalid-onnx"));
    }

    @Test
    void onnxWithoutGraph() {
        byte[] noGraph = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build().toByteArray();
        raw("bad-nograph", noGraph).statusCode(400).body("type", equalTo(P + "invalid-onnx"))
                .body("detail", containsString("graph"));
    }

    @Test
    void emptyRawBody() {
        raw("bad-empty", new byte[0]).statusCode(400).body("type", equalTo(P + "missing-model-part"));
    }

    @Test
    void multipartWithoutModelPart() {
        given().auth().oauth2(key("uploader"))
                .multiPart("eval", "eval.npz", resource("/onnx/single_relu_eval.npz"), "application/octet-stream")
                .post("/api/v1/models/bad-nomodel/versions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(P + "missing-model-part"));
    }

    @Test
    void overTheSizeLimit() {
        // %test.modelforge.upload.max-size=8M; random bytes so nothing compresses or dedupes.
        byte[] big = new byte[9 * 1024 * 1024];
        new Random(1).nextBytes(big);
        raw("bad-toolarge", big).statusCode(413).body("type", equalTo(P + "payload-too-large"));
    }

    @Test
    void overTheSizeLimitWithoutContentLength() {
        byte[] big = new byte[9 * 1024 * 1024];
        new Random(2).nextBytes(big);
        // A stream body makes RestAssured send it chunked, so only counting while streaming can catch it.
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream")
                .body(new java.io.ByteArrayInputStream(big))
                .post("/api/v1/models/bad-chunked/versions")
                .then().statusCode(413).body("type", equalTo(P + "payload-too-large"));
    }

    @Test
    void invalidModelNames() {
        for (String name : new String[] {"Upper", "a".repeat(300), "-leading-dash", "sp%20ace", "..%2Fx"}) {
            given().auth().oauth2(key("uploader")).urlEncodingEnabled(false).contentType("application/octet-stream")
                    .body(reluModel()).post("/api/v1/models/" + name + "/versions")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo(P + "invalid-model-name"));
        }
    }

    @Test
    void evalArraysThatDoNotMatchTheGraph() {
        given().auth().oauth2(key("uploader"))
                .multiPart("model", "relu.onnx", reluModel("eval-mismatch"), "application/octet-stream")
                .multiPart("eval", "eval.npz", resource("/onnx/single_relu_eval_mismatch.npz"), "application/octet-stream")
                .post("/api/v1/models/bad-eval/versions")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo(P + "dataset-mismatch")).body("detail", containsString("x"));
    }

    @Test
    void evalThatIsNotADataset() {
        given().auth().oauth2(key("uploader"))
                .multiPart("model", "relu.onnx", reluModel("eval-garbage"), "application/octet-stream")
                .multiPart("calibration", "c.npz", "garbage".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/api/v1/models/bad-calib/versions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(P + "invalid-dataset")).body("detail", containsString("calibration"));
    }

    @Test
    void failureAfterStorageWriteBeforeCommitLeavesNothing() {
        byte[] onnx = reluModel("injected-failure");
        InjectableUploadFaults.FAIL_MODEL.set("bad-injected");
        given().auth().oauth2(key("uploader")).multiPart("model", "m.onnx", onnx, "application/octet-stream")
                .multiPart("eval", "eval.npz", resource("/onnx/single_relu_eval.npz"), "application/octet-stream")
                .post("/api/v1/models/bad-injected/versions")
                .then().statusCode(500).contentType("application/problem+json")
                .body("type", equalTo(P + "internal-error"));
        assertThat(Footprint.now().objects()).doesNotContain("sha256/" + sha256(onnx));
        // The model row was created in the failed transaction too, so it is gone.
        given().auth().oauth2(key("reader")).get("/api/v1/models/bad-injected").then().statusCode(404);
    }

    @Test
    void unknownModelAndVersion() {
        given().auth().oauth2(key("reader")).get("/api/v1/models/no-such-model").then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo(P + "model-not-found"));
        given().auth().oauth2(key("reader")).get("/api/v1/models/no-such-model/versions/1").then().statusCode(404)
                .body("type", equalTo(P + "model-not-found"));
        given().auth().oauth2(key("uploader")).contentType("application/json").body("{\"name\":\"bad-404\"}")
                .post("/api/v1/models").then().statusCode(201);
        given().auth().oauth2(key("reader")).get("/api/v1/models/bad-404/versions/7").then().statusCode(404)
                .body("type", equalTo(P + "version-not-found"));
        given().auth().oauth2(key("reader")).get("/api/v1/models/bad-404/versions/7/artifact").then().statusCode(404)
                .body("type", equalTo(P + "version-not-found"));
        given().auth().oauth2(key("promoter")).delete("/api/v1/models/bad-404/versions/7").then().statusCode(404)
                .body("type", equalTo(P + "version-not-found"));
        given().auth().oauth2(key("reader")).get("/api/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo(P + "not-found"));
    }
}
