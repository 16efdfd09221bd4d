package dev.modelforge.registry.version;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.RegistryTestSupport.Footprint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model directories (model.onnx plus external data) uploaded as one tar stream: stored file by file, listed in the
 * version's manifest, served back byte for byte; references that do not resolve inside the upload are 422 and leave
 * nothing behind.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class ModelDirectoryUploadTest {
    private static final String P = "https://modelforge.dev/problems/";

    @TempDir
    Path tmp;

    private static ValidatableResponse upload(String model, byte[] tar) {
        return given().auth().oauth2(key("uploader")).contentType("application/x-tar").body(tar)
                .post("/api/v1/models/{name}/versions", model).then();
    }

    @Test
    void directoryRoundTripsFileByFile() {
        Map<String, byte[]> files = DirectoryModels.files(DirectoryModels.write(tmp.resolve("m"), 256, 512));
        assertThat(files).containsOnlyKeys("model.onnx", DirectoryModels.DATA_FILE);
        // the data file first: the order of a tar must not matter
        var ordered = new LinkedHashMap<String, byte[]>();
        ordered.put("./" + DirectoryModels.DATA_FILE, files.get(DirectoryModels.DATA_FILE));
        ordered.put("./model.onnx", files.get("model.onnx"));
        JsonPath v = upload("dir-roundtrip", DirectoryModels.tar(ordered)).statusCode(201)
                .body("artifact.mediaType", equalTo("application/vnd.modelforge.onnx-directory+json"))
                .body("signature.inputs[0].name", equalTo("X"))
                .extract().jsonPath();
        int version = v.getInt("version");
        List<Map<String, Object>> listed = v.getList("artifact.files");
        assertThat(listed).extracting(f -> f.get("path")).containsExactly("model.onnx", DirectoryModels.DATA_FILE);
        for (Map<String, Object> f : listed) {
            byte[] expected = files.get((String) f.get("path"));
            assertThat(f.get("sha256")).isEqualTo(sha256(expected));
            assertThat(((Number) f.get("sizeBytes")).longValue()).isEqualTo(expected.length);
            byte[] served = given().auth().oauth2(key("reader")).queryParam("redirect", false)
                    .get("/api/v1/models/dir-roundtrip/versions/{v}/artifact/files/{path}", version, f.get("path"))
                    .then().statusCode(200).header("X-Checksum-Sha256", equalTo(sha256(expected)))
                    .extract().asByteArray();
            assertThat(served).isEqualTo(expected);
        }
        // the artifact itself is the manifest, with the same list
        JsonPath manifest = JsonPath.from(new String(given().auth().oauth2(key("reader")).queryParam("redirect", false)
                .get("/api/v1/models/dir-roundtrip/versions/{v}/artifact", version).then().statusCode(200)
                .extract().asByteArray(), StandardCharsets.UTF_8));
        assertThat(manifest.getString("format")).isEqualTo("modelforge.onnx-directory/1");
        assertThat(manifest.getList("files.path")).containsExactly("model.onnx", DirectoryModels.DATA_FILE);
        given().auth().oauth2(key("reader")).get("/api/v1/models/dir-roundtrip/versions/{v}/artifact/files/nope",
                version).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void sameDirectoryAgainIsOneArtifact() {
        byte[] tar = DirectoryModels.tar(DirectoryModels.files(DirectoryModels.write(tmp.resolve("m"), 64, 64)));
        String first = upload("dir-twice", tar).statusCode(201).extract().path("artifact.sha256");
        String second = given().auth().oauth2(key("uploader")).contentType("application/x-tar").body(tar)
                .post("/api/v1/models/dir-twice/versions").then().statusCode(201).extract().path("artifact.sha256");
        assertThat(second).isEqualTo(first);
    }

    @Test
    void multipartModelPartMayBeATar() throws Exception {
        Path tarFile = tmp.resolve("model.tar");
        Files.write(tarFile, DirectoryModels.tar(DirectoryModels.files(DirectoryModels.write(tmp.resolve("m"), 64, 32))));
        given().auth().oauth2(key("uploader")).multiPart("model", tarFile.toFile(), "application/x-tar")
                .post("/api/v1/models/dir-multipart/versions").then().statusCode(201)
                .body("artifact.files.size()", equalTo(2));
    }

    @Test
    void missingDataFileIs422NamingTensorAndLocation() {
        Map<String, byte[]> files = DirectoryModels.files(DirectoryModels.write(tmp.resolve("m"), 64, 64));
        files.remove(DirectoryModels.DATA_FILE);
        refused("dir-missing", files).body("detail", allOf(containsString("'W'"),
                containsString(DirectoryModels.DATA_FILE)));
    }

    @Test
    void shortDataFileIs422() {
        Map<String, byte[]> files = DirectoryModels.files(DirectoryModels.write(tmp.resolve("m"), 64, 64));
        byte[] data = files.get(DirectoryModels.DATA_FILE);
        files.put(DirectoryModels.DATA_FILE, Arrays.copyOf(data, data.length - 100));
        refused("dir-short", files).body("detail", allOf(containsString("'W'"), containsString("wants bytes")));
    }

    @Test
    void locationOutsideTheDirectoryIs422() {
        Path dir = DirectoryModels.write(tmp.resolve("m"), 64, 64);
        DirectoryModels.relocate(dir, "../" + DirectoryModels.DATA_FILE);
        refused("dir-outside", DirectoryModels.files(dir)).body("detail", allOf(containsString("'W'"),
                containsString("../" + DirectoryModels.DATA_FILE)));
        DirectoryModels.relocate(dir, "/etc/passwd");
        refused("dir-absolute", DirectoryModels.files(dir)).body("detail", containsString("/etc/passwd"));
    }

    @Test
    void entriesThatClimbOutOrRepeatOrLackTheGraphAre422() {
        Map<String, byte[]> files = DirectoryModels.files(DirectoryModels.write(tmp.resolve("m"), 64, 64));
        var climbing = new LinkedHashMap<>(files);
        climbing.put("../escape.bin", new byte[10]);
        refused("dir-climb", climbing).body("detail", containsString("../escape.bin"));
        refused("dir-nograph", Map.of(DirectoryModels.DATA_FILE, files.get(DirectoryModels.DATA_FILE)))
                .body("detail", containsString("model.onnx"));
    }

    @Test
    void notATarIs400AndASingleFileWithExternalDataStays422() {
        Footprint before = Footprint.now();
        upload("dir-garbage", "not a tar at all, just text that goes on".repeat(30).getBytes(StandardCharsets.UTF_8))
                .statusCode(400).contentType("application/problem+json");
        assertThat(Footprint.now()).isEqualTo(before);
        byte[] graph = DirectoryModels.files(DirectoryModels.write(tmp.resolve("m"), 64, 64)).get("model.onnx");
        given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(graph)
                .post("/api/v1/models/dir-single/versions").then().statusCode(422)
                .body("type", equalTo(P + "unrunnable-model"));
        assertThat(reluModel()).isNotEmpty();
    }

    private static ValidatableResponse refused(String model, Map<String, byte[]> files) {
        Footprint before = Footprint.now();
        ValidatableResponse r = upload(model, DirectoryModels.tar(files)).statusCode(422)
                .contentType("application/problem+json").body("type", equalTo(P + "unrunnable-model"));
        assertThat(Footprint.now()).isEqualTo(before);
        return r;
    }
}
