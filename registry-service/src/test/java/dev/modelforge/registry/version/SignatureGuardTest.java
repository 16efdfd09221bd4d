package dev.modelforge.registry.version;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelforge.registry.RegistryTestSupport.Footprint;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Issue 13, signature guard: a version must keep the model's inputs/outputs unless the upload says it changes them. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class SignatureGuardTest {
    private static final String P = "https://modelforge.dev/problems/";
    /** The digits CNN (input [batch,1,16,16] -> logits) and a small MLP (x [batch,4] -> y [batch,3]). */
    private static final Path CNN = Path.of("../compression-core/src/test/resources/fixtures/digits_cnn.onnx");
    private static final Path MLP = Path.of("../model-io/src/test/resources/fixtures/mlp.onnx");

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theMlpIsRefusedAsVersion2OfTheCnnUnlessTheChangeIsIntended() {
        String model = "sig-digits-cnn";
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(read(CNN))
                .post("/api/v1/models/{m}/versions", model).then().statusCode(201).body("version", equalTo(1));

        Footprint before = Footprint.now();
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(read(MLP))
                .post("/api/v1/models/{m}/versions", model).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(P + "signature-changed"))
                .body("detail", allOf(containsString("version 1"), containsString("input 'input'"),
                        containsString("removed"), containsString("input 'x'"), containsString("added"),
                        containsString("output 'logits'"), containsString("allowSignatureChange=true")));
        given().auth().oauth2(key("uploader")).multiPart("model", "mlp.onnx", read(MLP), "application/octet-stream")
                .post("/api/v1/models/{m}/versions", model).then().statusCode(409)
                .body("type", equalTo(P + "signature-changed"));
        assertThat(Footprint.now()).as("nothing stored, no version, no event").isEqualTo(before);

        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(read(MLP))
                .queryParam("allowSignatureChange", "maybe")
                .post("/api/v1/models/{m}/versions", model).then().statusCode(400);
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(read(MLP))
                .queryParam("allowSignatureChange", "true")
                .post("/api/v1/models/{m}/versions", model).then().statusCode(201).body("version", equalTo(2));
        // the MLP is now the latest: the CNN back needs the option too, here as a multipart field
        given().auth().oauth2(key("uploader")).multiPart("model", "cnn.onnx", read(CNN), "application/octet-stream")
                .post("/api/v1/models/{m}/versions", model).then().statusCode(409);
        given().auth().oauth2(key("uploader")).multiPart("model", "cnn.onnx", read(CNN), "application/octet-stream")
                .multiPart("allowSignatureChange", "true")
                .post("/api/v1/models/{m}/versions", model).then().statusCode(201).body("version", equalTo(3));
    }

    @Test
    void theSameSignatureNeedsNoOption() {
        String model = "sig-same";
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(read(CNN))
                .post("/api/v1/models/{m}/versions", model).then().statusCode(201);
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream")
                .header("X-Modelforge-Allow-Signature-Change", "false").body(withDoc(read(CNN), "retrained"))
                .post("/api/v1/models/{m}/versions", model).then().statusCode(201).body("version", equalTo(2));
    }

    private static byte[] withDoc(byte[] onnx, String doc) {
        try {
            return ai.onnx.proto.OnnxMl.ModelProto.parseFrom(onnx).toBuilder().setDocString(doc).build().toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
