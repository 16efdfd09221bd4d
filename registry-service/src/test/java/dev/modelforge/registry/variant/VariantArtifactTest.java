package dev.modelforge.registry.variant;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.variants;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Any variant, promoted or not, downloads through a presigned redirect that names the file and carries its sha256. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class VariantArtifactTest {

    @Test
    void anUnpromotedVariantDownloadsWithItsChecksumAndFileName() throws Exception {
        byte[] onnx = reluModel("variant-download");
        upload("variant-download", onnx);
        String baseline = variants("variant-download", 1).get(0).get("id").asText();

        Response redirect = given().auth().oauth2(key("reader")).redirects().follow(false)
                .get("/api/v1/variants/{id}/artifact", baseline);
        redirect.then().statusCode(302).header("X-Checksum-Sha256", equalTo(sha256(onnx)));
        String location = redirect.header("Location");
        assertThat(URLDecoder.decode(location, StandardCharsets.UTF_8))
                .contains("attachment; filename=\"variant-download-v1-baseline.onnx\"");
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(sha256(download.body())).isEqualTo(sha256(onnx));
    }

    @Test
    void unknownVariantsAndMissingKeysAreRefused() {
        given().auth().oauth2(key("reader")).redirects().follow(false)
                .get("/api/v1/variants/{id}/artifact", UUID.randomUUID()).then().statusCode(404)
                .body("type", equalTo("https://modelforge.dev/problems/variant-not-found"));
        given().auth().oauth2(key("reader")).redirects().follow(false)
                .get("/api/v1/variants/{id}/artifact", "not-a-uuid").then().statusCode(404);
        given().redirects().follow(false).get("/api/v1/variants/{id}/artifact", UUID.randomUUID())
                .then().statusCode(401);
    }
}
