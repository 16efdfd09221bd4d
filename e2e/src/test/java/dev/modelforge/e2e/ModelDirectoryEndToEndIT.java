package dev.modelforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.Hardware;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.profile.RuntimeSettings;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.cli.Main;
import dev.modelforge.onnx.OnnxFiles;
import dev.modelforge.onnx.SignatureReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14, models over 2 GB the ONNX way, at test size: a model whose weights are external data (model.onnx plus
 * model.onnx.data, written by the project's own writer) is uploaded as a directory by the CLI, stored file by file,
 * compressed with int8-dynamic by a real compression worker (its variant written as a directory too), measured by a
 * real benchmark worker that loads model.onnx with its data beside it, and downloaded again by the CLI, every file
 * sha256-verified and the baseline byte for byte the upload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelDirectoryEndToEndIT {
    private static final String MODEL = "e2e-directory";
    private static final String PROFILE = "e2e-dir";
    private static final Duration DECIDE = Duration.ofMinutes(8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private E2eStack stack;
    private RegistryClient admin;
    private String adminKey;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("modelforge-e2e-dir-");
        Path logs = Path.of("target", "e2e-dir-logs").toAbsolutePath();
        E2eStack.deleteTree(logs);
        stack = E2eStack.start(work, logs);
        admin = stack.admin();
        // the CLI runs with its own key, as a pipeline's upload hook would
        adminKey = admin.createApiKey(new CreateApiKeyRequest("e2e-dir-cli", Role.ADMIN)).secret();
        for (DeviceProfile p : admin.listProfiles()) {
            admin.deleteProfile(p.name());
        }
        admin.putProfile(PROFILE, new DeviceProfile(PROFILE, "model directory end-to-end profile", true,
                new Hardware("x86_64", 1, 2048, List.of(), null), new RuntimeSettings("cpu", 1, 1, "all"), null,
                List.of(RecipeRef.of("int8-dynamic")), JSON.valueToTree(Map.of("constraints", Map.of(),
                        "objectives", List.of("size"), "mode", "auto", "fallbackToBaseline", true)), null, null));
        stack.startWorkers(List.of(PROFILE), "quick");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            E2eStack.deleteTree(work);
        }
    }

    @Test
    void directoryUploadedCompressedBenchmarkedAndDownloaded() throws Exception {
        Path dir = work.resolve("mlp");
        Files.createDirectories(dir);
        OnnxFiles.writeWithExternalData(mlp(512, 1024, 256), null, dir.resolve(ManifestFile.MODEL_FILE));
        Map<String, String> uploaded = digests(dir);
        assertThat(uploaded).containsOnlyKeys("model.onnx", "model.onnx.data");

        JsonNode up = cli("upload", dir.toString(), "--model", MODEL, "--json", "--no-progress");
        ModelVersionDto v = admin.getVersion(MODEL, up.path("version").path("version").asInt());
        assertThat(v.artifact().isDirectory()).isTrue();
        assertThat(v.artifact().files()).extracting(ManifestFile::path).containsExactly("model.onnx", "model.onnx.data");
        v.artifact().files().forEach(f -> assertThat(f.sha256()).isEqualTo(uploaded.get(f.path())));
        // a retried hook finds the same version (the default idempotency key covers every file)
        assertThat(cli("upload", dir.toString(), "--model", MODEL, "--json", "--no-progress").path("created")
                .asBoolean()).isFalse();

        Promotion decided = Decisions.await(admin, MODEL, v.version(), List.of(PROFILE), DECIDE).get(PROFILE);
        List<Variant> variants = admin.listVariants(MODEL, v.version());
        assertThat(variants).extracting(x -> x.recipe().label()).contains("baseline", "int8-dynamic");
        for (Variant x : variants) {
            List<BenchmarkResult> results = admin.listBenchmarks(x.id());
            assertThat(results).as(x.recipe().label()).isNotEmpty();
            assertThat(results).allSatisfy(r -> assertThat(r.status()).as(x.recipe().label() + ": " + r.failureDetail())
                    .isEqualTo(BenchmarkStatus.OK));
        }

        Variant baseline = variants.stream().filter(x -> x.recipe().label().equals("baseline")).findFirst().orElseThrow();
        JsonNode saved = cli("variants", MODEL, Integer.toString(v.version()), "--download", baseline.id(),
                work.resolve("restored").toString(), "--json", "--no-progress");
        Path restored = Path.of(saved.path("downloadedTo").asText());
        assertThat(restored).isDirectory();
        assertThat(digests(restored)).isEqualTo(uploaded);

        Variant int8 = variants.stream().filter(x -> x.recipe().label().equals("int8-dynamic")).findFirst().orElseThrow();
        Path compressed = Path.of(cli("variants", MODEL, Integer.toString(v.version()), "--download", int8.id(),
                work.resolve("int8").toString(), "--json", "--no-progress").path("downloadedTo").asText());
        assertThat(compressed.resolve("model.onnx")).isRegularFile();
        assertThat(compressed.resolve("model.onnx.data")).as("variants of a directory model are directories")
                .isRegularFile();
        SignatureReader.readChecked(compressed.resolve("model.onnx")); // every reference resolves beside it
        long compressedBytes = Files.size(compressed.resolve("model.onnx")) + Files.size(compressed.resolve("model.onnx.data"));
        assertThat(compressedBytes).isLessThan(Files.size(dir.resolve("model.onnx.data")) / 2);

        if (decided.variantId() != null) {
            Path best = Path.of(cli("best", MODEL, "--device", PROFILE, "--download", work.resolve("best").toString(),
                    "--json", "--no-progress").path("downloadedTo").asText());
            assertThat(best.resolve("model.onnx")).isRegularFile();
            SignatureReader.readChecked(best.resolve("model.onnx"));
        }
    }

    private JsonNode cli(String... args) throws Exception {
        String[] full = java.util.Arrays.copyOf(args, args.length + 4);
        full[args.length] = "--url";
        full[args.length + 1] = admin.baseUri().toString();
        full[args.length + 2] = "--api-key";
        full[args.length + 3] = adminKey;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("modelforge " + String.join(" ", args) + "\n" + out + err).isZero();
        return JSON.readTree(out.toString());
    }

    /** X [1, in] → MatMul W1 → Relu → MatMul W2 → Y [1, out]; weights deterministic. */
    private static OnnxMl.ModelProto mlp(int in, int hidden, int out) {
        var g = OnnxMl.GraphProto.newBuilder().setName("e2e-mlp")
                .addInput(value("X", 1, in)).addOutput(value("Y", 1, out))
                .addInitializer(weights("W1", in, hidden, 1)).addInitializer(weights("W2", hidden, out, 2))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm1").addInput("X").addInput("W1")
                        .addOutput("h"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("h").addOutput("r"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm2").addInput("r").addInput("W2")
                        .addOutput("Y"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("modelforge-e2e")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    private static OnnxMl.TensorProto weights(String name, int rows, int cols, int seed) {
        ByteBuffer b = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < rows * cols; i++) {
            b.putFloat((float) (r.nextGaussian() * 0.05));
        }
        return OnnxMl.TensorProto.newBuilder().setName(name).addDims(rows).addDims(cols)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static OnnxMl.ValueInfoProto value(String name, long... dims) {
        var shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString().replace('\\', '/'), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
