package dev.modelforge.registry.hostile;

import static dev.modelforge.registry.RegistryTestSupport.ADMIN_KEY;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.hostile.HostileModels.external;
import static dev.modelforge.registry.hostile.HostileModels.floats;
import static dev.modelforge.registry.hostile.HostileModels.graph;
import static dev.modelforge.registry.hostile.HostileModels.model;
import static dev.modelforge.registry.hostile.HostileModels.node;
import static dev.modelforge.registry.hostile.HostileModels.value;
import static dev.modelforge.registry.hostile.HostileModels.withInitializer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.registry.RegistryTestSupport.Footprint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input suite: models, datasets, JSON bodies, profiles and recipes a careless or malicious
 * client could send. Every one must be answered 4xx with problem+json whose detail names the problem in
 * words (never a Java exception), and leave no object, version or event behind.
 *
 * <p>Every model here is small enough to be refused after the whole body has arrived. A large model the
 * parser refuses early (the 20 inputs with 60,000-character names, past
 * {@code max-signature-bytes}, or a 100,000-character graph name) aborts its storage PUT, which s3proxy 2.7 — the local stack's store — turns
 * into a temp file that breaks later listings until the local stack's AbandonedPutJanitor removes it (see
 * RawBodyReceptionTest); that cap is proven in model-io's StructuralValidationTest, the 422 mapping by the rank case
 * below, and the case end to end by LongInputNamesTest (refused at the door, waiting for the store to settle)
 * and OversizedEventUploadTest (limits raised: accepted, its event parked, later events flow).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class HostileInputTest {
    private static final String P = "https://modelforge.dev/problems/";
    private static final byte[] GOOD = HostileModels.relu().build().toByteArray();

    record Case(String name, Supplier<Response> request, int status, String type, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedCleanly(Case c) {
        Footprint before = Footprint.now();
        Response r = c.request().get();
        String detail = r.then().extract().path("detail");
        assertThat(r.statusCode()).as("%s: %s", c.name(), r.asString()).isEqualTo(c.status());
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.then().extract().<String>path("type")).isEqualTo(P + c.type());
        assertThat(detail).contains(c.mentions()).doesNotContain("Exception").doesNotContain("java.");
        assertThat(Footprint.now()).as("nothing half-written by %s", c.name()).isEqualTo(before);
    }

    /**
     * The control: the model every dataset case uploads is accepted with a clean dataset, and a raw upload
     * over the JSON body limit passes the body filter (uploads have their own limit).
     */
    @Test
    void theControlModelAndAnUploadOverTheJsonLimitAreAccepted() {
        given().auth().oauth2(key("uploader")).multiPart("model", "m.onnx", GOOD, "application/octet-stream")
                .multiPart("eval", "eval.npz", HostileData.x(1, 2, 3, 4), "application/octet-stream")
                .post("/api/v1/models/hostile-control/versions").then().statusCode(201);
        byte[] big = HostileModels.relu().setDocString("d".repeat(2 << 20)).build().toByteArray();
        rawSpec().body(big).post("/api/v1/models/hostile-control/versions").then().statusCode(201);
    }

    /** A JSON body without a length could only be bounded by buffering it: it is refused before a byte is read. */
    @Test
    void aChunkedJsonBodyIsAnswered411() throws Exception {
        try (var socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(30_000);
            String head = "POST /api/v1/models HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key("uploader")
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1a\r\n{\"name\":\"hostile-chunked\"}\r\n0\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(status).isEqualTo("HTTP/1.1 411");
        }
        given().auth().oauth2(key("reader")).get("/api/v1/models/hostile-chunked").then().statusCode(404);
    }

    static Stream<Case> cases() {
        List<Case> all = new java.util.ArrayList<>();
        all.addAll(models());
        all.addAll(datasets());
        all.addAll(jsonBodies());
        all.addAll(profilesAndRecipes());
        assertThat(all).hasSizeGreaterThanOrEqualTo(40);
        return all.stream();
    }

    private static List<Case> models() {
        String unrunnable = "unrunnable-model";
        return List.of(
                raw("external data climbing out", withInitializer(external("../../../../etc/passwd")), 422,
                        unrunnable, "'w'"),
                raw("external data at an absolute path", withInitializer(external("/etc/passwd")), 422, unrunnable,
                        "absolute path"),
                raw("external data on a drive", withInitializer(external("C:weights.bin")), 422, unrunnable,
                        "drive-letter"),
                raw("external data in a single file", withInitializer(external("weights.bin")), 422, unrunnable,
                        "single-file upload"),
                raw("a cycle", graph(g -> g.clearNode().addNode(node("a", "Add", "a_out", "x", "b_out"))
                        .addNode(node("b", "Relu", "b_out", "a_out")).addNode(node("c", "Relu", "y", "a_out"))),
                        422, unrunnable, "cycle"),
                raw("an undefined input", graph(g -> g.clearNode().addNode(node("r", "Relu", "y", "nowhere"))), 422,
                        unrunnable, "'nowhere'"),
                raw("opset 999", model(m -> m.clearOpsetImport().addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(999))), 422, unrunnable,
                        "modelforge.upload.model-limits.max-onnx-opset"),
                raw("an unimported domain", graph(g -> g.clearNode().addNode(node("c", "Magic", "y", "x").toBuilder()
                        .setDomain("com.example").build())), 422, unrunnable, "com.example"),
                raw("no opset at all", model(OnnxMl.ModelProto.Builder::clearOpsetImport), 422, unrunnable,
                        "opset_import"),
                raw("an output nothing produces", graph(g -> g.addOutput(value("ghost", 2))), 422, unrunnable,
                        "'ghost'"),
                raw("a tensor defined twice", graph(g -> g.addNode(node("again", "Relu", "y", "x"))), 422, unrunnable,
                        "defined twice"),
                raw("huge dims and no data", withInitializer(OnnxMl.TensorProto.newBuilder().setName("w")
                        .setDataType(1).addDims(1L << 20).addDims(1L << 20).build()), 422, unrunnable, "no data"),
                raw("raw_data shorter than the shape", withInitializer(floats("w", 3, 2, 2)), 422, unrunnable,
                        "raw_data"),
                raw("typed data not matching the shape", withInitializer(OnnxMl.TensorProto.newBuilder()
                        .setName("w").setDataType(1).addDims(3).addFloatData(1).build()), 422, unrunnable, "'w'"),
                raw("dims whose product overflows", withInitializer(OnnxMl.TensorProto.newBuilder().setName("w")
                        .setDataType(1).addDims(Long.MAX_VALUE / 2).addDims(16).build()), 422, unrunnable,
                        "overflows"),
                raw("an input of rank 100", graph(g -> g.clearInput().addInput(value("x", new long[99]))), 422,
                        "limit-exceeded", "modelforge.upload.model-limits.max-rank"),
                raw("PNG bytes", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}, 400,
                        "invalid-onnx", "not an ONNX model"),
                raw("IR version 99", model(m -> m.setIrVersion(99)), 400, "invalid-onnx", "99"),
                raw("a truncated model", java.util.Arrays.copyOf(GOOD, GOOD.length - 9), 400, "invalid-onnx",
                        "truncated"));
    }

    private static List<Case> datasets() {
        Map<String, NdArray> nanReference = new LinkedHashMap<>();
        nanReference.put("x", NdArray.ofFloats(new float[] {1, 2}, 1, 2));
        nanReference.put("y", NdArray.ofFloats(new float[] {Float.NaN, 2}, 1, 2));
        byte[] pb = OnnxMl.TensorProto.newBuilder().setName("x").setDataType(1).addDims(1).addDims(2)
                .addFloatData(1).addFloatData(2).build().toByteArray();
        return List.of(
                dataset("NaN inputs", "eval", HostileData.x(1, Float.NaN), 422, "unusable-dataset", "NaN"),
                dataset("infinite calibration inputs", "calibration", HostileData.x(Float.POSITIVE_INFINITY, 1), 422,
                        "unusable-dataset", "'calibration'"),
                dataset("a NaN reference output", "eval", HostileData.npz(nanReference), 422, "unusable-dataset",
                        "reference output 'y'"),
                dataset("zero-length inputs", "eval", HostileData.npz(Map.of("x", NdArray.ofFloats(new float[0], 0, 2))),
                        422, "unusable-dataset", "no elements"),
                dataset("a test-data entry climbing out", "eval",
                        HostileData.zip(Map.of("../test_data_set_0/input_0.pb", pb)), 422, "unusable-dataset",
                        "'../test_data_set_0/input_0.pb'"),
                dataset("an absolute npz entry", "eval", HostileData.zip(Map.of("/x.npy", new byte[] {1})), 422,
                        "unusable-dataset", "absolute"),
                dataset("a shape with 500,000 dims", "eval", HostileData.zip(Map.of("x.npy", HostileData.npyHeader(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "0, ".repeat(500_000) + "), }"))),
                        400, "invalid-dataset", "header"),
                dataset("a shape with 100 dims", "eval", HostileData.zip(Map.of("x.npy", HostileData.npyHeader(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "0, ".repeat(100) + "), }"))),
                        400, "invalid-dataset", "at most 64"),
                dataset("garbage", "eval", "not a dataset".getBytes(StandardCharsets.UTF_8), 400, "invalid-dataset",
                        "'eval'"),
                dataset("a corrupt zip", "eval", java.util.Arrays.copyOf(HostileData.x(1, 2), 40), 400,
                        "invalid-dataset", "'eval'"));
    }

    private static List<Case> jsonBodies() {
        String hugeTags = "{\"name\":\"hostile-tags\",\"tags\":[" + "\"t\",".repeat(400_000) + "\"t\"]}";
        return List.of(
                new Case("a 2 MB JSON body", () -> as("uploader").body(hugeTags).post("/api/v1/models"), 413,
                        "payload-too-large", "modelforge.http.max-json-body-size"),
                new Case("a 2 MB PATCH", () -> as("uploader").body(hugeTags).patch("/api/v1/models/hostile-any"), 413,
                        "payload-too-large", "modelforge.http.max-json-body-size"),
                new Case("malformed JSON", () -> as("uploader").body("{\"name\": ").post("/api/v1/models"), 400,
                        "invalid-request", "malformed JSON"),
                new Case("a 5,000-character description", () -> as("uploader").body(Map.of("name", "hostile-desc",
                        "description", "d".repeat(5000))).post("/api/v1/models"), 400, "invalid-request", "description"),
                new Case("51 tags", () -> as("uploader").body(Map.of("name", "hostile-tags51", "tags",
                        java.util.stream.IntStream.range(0, 51).mapToObj(i -> "t" + i).toList())).post("/api/v1/models"),
                        400, "invalid-request", "at most 50 tags"),
                new Case("an invalid model name", () -> as("uploader").body(Map.of("name", "../etc"))
                        .post("/api/v1/models"), 400, "invalid-model-name", "../etc"),
                new Case("metadata that is not JSON", () -> given().auth().oauth2(key("uploader"))
                        .multiPart("model", "m.onnx", GOOD, "application/octet-stream")
                        .multiPart("metadata", "{not json")
                        .post("/api/v1/models/hostile-meta/versions"), 400, "invalid-request", "'metadata'"),
                new Case("a 10,000-character git sha", () -> rawSpec().header("X-Modelforge-Git-Sha", "a".repeat(10_000))
                        .body(GOOD).post("/api/v1/models/hostile-sha/versions"), 400, "invalid-request", "gitSha"),
                new Case("malformed labels", () -> rawSpec().header("X-Modelforge-Labels", "novalue")
                        .body(GOOD).post("/api/v1/models/hostile-labels/versions"), 400, "invalid-request", "k=v"),
                new Case("a 300-character idempotency key", () -> rawSpec().header("Idempotency-Key", "k".repeat(300))
                        .body(GOOD).post("/api/v1/models/hostile-idem/versions"), 400, "invalid-request",
                        "Idempotency-Key"),
                new Case("a malformed Repr-Digest", () -> rawSpec().header("Repr-Digest", "sha-256=:abc:")
                        .body(GOOD).post("/api/v1/models/hostile-digest/versions"), 400, "invalid-request",
                        "Repr-Digest"),
                new Case("a dead letter id that is not a UUID", () -> given().auth().oauth2(ADMIN_KEY)
                        .post("/api/v1/admin/outbox/dead-letters/not-a-uuid/retry"), 400, "invalid-request", "UUID"));
    }

    private static List<Case> profilesAndRecipes() {
        String type = "device-profile-invalid";
        return List.of(
                profile("an unknown recipe", "hostile-p1", "[\"int3-magic\"]", "null", "[]", "unknown recipe"),
                profile("negative limits", "hostile-p2", "[]", "{\"maxSizeMb\":-1}", "[]", "must be positive"),
                profile("an unknown ISA feature", "hostile-p3", "[]", "null", "[\"avx1024\"]", "avx1024"),
                profile("a recipe listed twice", "hostile-p4", "[\"fp16\",\"fp16\"]", "null", "[]", "listed twice"),
                profile("baseline combined with a pass", "hostile-p5", "[{\"steps\":[\"baseline\",\"fp16\"]}]", "null",
                        "[]", "'baseline' cannot be combined"),
                profile("auto combined with a pass", "hostile-p6", "[{\"steps\":[\"auto\",\"fp16\"]}]", "null", "[]",
                        "'auto'"),
                profile("a profile name with a path", "Bad_Name", "[]", "null", "[]", "must match"),
                new Case("a profile of unknown hardware", () -> as("admin")
                        .body("{\"hardware\":{\"arch\":\"sparc\",\"cores\":-2}}").put("/api/v1/device-profiles/hostile-p8"),
                        422, type, "hardware.arch"),
                new Case("a profile that is a JSON array", () -> as("admin").body("[1,2,3]")
                        .put("/api/v1/device-profiles/hostile-p9"), 400, "invalid-request", ""));
    }

    private static Case profile(String name, String profile, String recipes, String limits, String isa,
                                String mentions) {
        String body = """
                {"description":"hostile","active":false,
                 "hardware":{"arch":"arm64","cores":2,"memoryMb":512,"isaFeatures":%s},
                 "runtime":{"executionProvider":"cpu","intraOpThreads":2,"interOpThreads":1,"graphOptimizationLevel":"all"},
                 "limits":%s,"recipes":%s,
                 "policy":{"constraints":{"maxAccuracyDropPoints":1.0},"objectives":["size"],"mode":"auto"}}
                """.formatted(isa, limits, recipes);
        return new Case(name, () -> as("admin").body(body).put("/api/v1/device-profiles/" + profile), 422,
                "device-profile-invalid", mentions);
    }

    private static Case raw(String name, byte[] model, int status, String type, String mentions) {
        return new Case(name, () -> rawSpec().body(model).post("/api/v1/models/hostile-model/versions"), status, type,
                mentions);
    }

    private static Case dataset(String name, String part, byte[] data, int status, String type, String mentions) {
        return new Case(name, () -> given().auth().oauth2(key("uploader"))
                .multiPart("model", "m.onnx", GOOD, "application/octet-stream")
                .multiPart(part, part + ".npz", data, "application/octet-stream")
                .post("/api/v1/models/hostile-data/versions"), status, type, mentions);
    }

    private static RequestSpecification rawSpec() {
        return given().auth().oauth2(key("uploader")).contentType("application/octet-stream");
    }

    private static RequestSpecification as(String role) {
        return given().auth().oauth2(key(role)).contentType("application/json");
    }
}
