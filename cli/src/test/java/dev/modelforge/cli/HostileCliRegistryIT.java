package dev.modelforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.RegistryClientException;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CLI half of the hostile-input suite where the case needs the registry's own answer: the real registry
 * (registry-service's packaged app as a child process on a real local stack) refuses the model, the dataset, the
 * profile, the key or the name, and the CLI must end with the documented exit code — 6 refused, 5 not found,
 * 11 key — and a message naming the problem in the registry's words, never a Java exception name or stack trace;
 * a refused upload leaves no version behind. Runs in {@code mvn verify}, after registry-service is packaged.
 */
class HostileCliRegistryIT {
    private static RealRegistryProcess registry;
    private static String readerKey;

    @TempDir
    static Path dir;

    /** @param as whose key the CLI uses: admin, reader, or a key the registry never issued */
    record Case(String name, int exitCode, String mentions, String as, Function<Path, String[]> args) {
        Case(String name, int exitCode, String mentions, Function<Path, String[]> args) {
            this(name, exitCode, mentions, "admin", args);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void startRegistry() throws IOException {
        registry = RealRegistryProcess.start();
        readerKey = admin().createApiKey(new CreateApiKeyRequest("hostile-cli-reader", Role.READER)).secret();
        // a model with one good version, for the cases about its versions and devices
        assertThat(cli(new StringWriter(), new StringWriter(), RealRegistryProcess.ADMIN_KEY, "upload", "--model",
                "hostile-good", good(dir.resolve("good.onnx")).toString(), "--no-progress")).isZero();
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        if (registry != null) {
            registry.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAMessageTheUserCanActOn(Case c) throws IOException {
        Path caseDir = Files.createTempDirectory(dir, "case-");
        String[] args = c.args().apply(caseDir);
        var out = new StringWriter();
        var err = new StringWriter();
        String key = switch (c.as()) {
            case "reader" -> readerKey;
            case "wrong" -> "not-a-key-the-registry-issued-0123456789";
            default -> RealRegistryProcess.ADMIN_KEY;
        };
        int code = cli(out, err, key, args);
        String said = err.toString();
        assertThat(code).as("%s: %s", c.name(), said).isEqualTo(c.exitCode());
        assertThat(said).as(c.name()).contains(c.mentions())
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
        if (args[0].equals("upload")) {
            // refused whole: the model every refused upload names has no version
            try {
                assertThat(admin().listVersions("hostile-upload", true)).as(c.name()).isEmpty();
            } catch (RegistryClientException e) {
                assertThat(e.status()).as(e.getMessage()).isEqualTo(404);
            }
        }
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.addAll(uploads());
        all.addAll(profiles());
        all.addAll(names());
        return all.stream();
    }

    private static List<Case> uploads() {
        return List.of(
                new Case("upload of a file that is not ONNX", 6, "not an ONNX model", d -> upload(write(
                        d.resolve("m.onnx"), "PK\u0003\u0004 a zip, not a model".getBytes(StandardCharsets.UTF_8)))),
                new Case("upload of a truncated model", 6, "truncated", d -> upload(HostileFiles.truncated(
                        d.resolve("m.onnx")))),
                new Case("upload of a model whose external data climbs out", 6, "unrunnable-model", d -> upload(
                        HostileFiles.write(d.resolve("m.onnx"), HostileFiles.matmul(
                                HostileFiles.externalWeight("../../../../etc/passwd"))))),
                new Case("upload of a model of opset 999", 6, "max-onnx-opset", d -> upload(HostileFiles.write(
                        d.resolve("m.onnx"), HostileFiles.matmul(HostileFiles.weight()).clearOpsetImport()
                                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(999))))),
                new Case("upload with NaN in the evaluation data", 6, "NaN", d -> concat(upload(good(d.resolve(
                        "m.onnx"))), "--eval", npz(d.resolve("eval.npz"), Float.NaN).toString())),
                new Case("upload with zero-length calibration data", 6, "no elements", d -> concat(upload(good(
                        d.resolve("m.onnx"))), "--calibration", empty(d.resolve("calibration.npz")).toString())),
                new Case("upload with a test-data zip climbing out", 6, "../test_data_set_0/input_0.pb", d -> concat(
                        upload(good(d.resolve("m.onnx"))), "--eval",
                        HostileFiles.climbingZip(d.resolve("eval.zip")).toString())),
                new Case("upload with a 10,000-character git sha", 6, "gitSha", d -> concat(upload(good(
                        d.resolve("m.onnx"))), "--git-sha", "a".repeat(10_000))),
                new Case("upload with a reader's key", 11, "needs a key with role 'uploader'", "reader", d -> upload(
                        good(d.resolve("m.onnx")))),
                new Case("upload with a wrong key", 11, "did not accept the API key", "wrong", d -> upload(good(
                        d.resolve("m.onnx")))));
    }

    private static List<Case> profiles() {
        return List.of(
                new Case("a profile with an unknown recipe", 6, "unknown recipe", d -> profile(d,
                        "[\"int3-magic\"]", "null")),
                new Case("a profile with negative limits", 6, "must be positive", d -> profile(d, "[]",
                        "{\"maxSizeMb\": -1}")),
                new Case("a profile applied with a reader's key", 11, "needs a key with role 'admin'", "reader",
                        d -> profile(d, "[]", "null")));
    }

    private static List<Case> names() {
        return List.of(
                new Case("versions of an unknown model", 5, "hostile-nosuch", d -> new String[] {"versions",
                        "hostile-nosuch"}),
                new Case("variants of an unknown version", 5, "99", d -> new String[] {"variants", "hostile-good",
                        "99"}),
                new Case("best on an unknown device", 5, "hostile-nodevice", d -> new String[] {"best",
                        "hostile-good", "--device", "hostile-nodevice"}),
                new Case("a profile that does not exist", 5, "hostile-noprofile", d -> new String[] {"profiles",
                        "show", "hostile-noprofile"}));
    }

    private static int cli(StringWriter out, StringWriter err, String key, String... args) {
        String[] full = java.util.Arrays.copyOf(args, args.length + 4);
        full[args.length] = "--url";
        full[args.length + 1] = registry.url();
        full[args.length + 2] = "--api-key";
        full[args.length + 3] = key;
        return Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static RegistryClient admin() {
        return new RegistryClient(URI.create(registry.url()), RealRegistryProcess.ADMIN_KEY);
    }

    private static String[] upload(Path model) {
        return new String[] {"upload", "--model", "hostile-upload", model.toString(), "--no-progress"};
    }

    private static String[] profile(Path d, String recipes, String limits) {
        String body = """
                {"name": "hostile-profile", "description": "hostile", "active": false,
                 "hardware": {"arch": "arm64", "cores": 2, "memoryMb": 512, "isaFeatures": []},
                 "runtime": {"executionProvider": "cpu", "intraOpThreads": 2, "interOpThreads": 1,
                             "graphOptimizationLevel": "all"},
                 "limits": %s, "recipes": %s,
                 "policy": {"constraints": {"maxAccuracyDropPoints": 1.0}, "objectives": ["size"], "mode": "auto"}}
                """.formatted(limits, recipes);
        return new String[] {"profiles", "apply", write(d.resolve("profile.json"),
                body.getBytes(StandardCharsets.UTF_8)).toString()};
    }

    private static Path good(Path file) {
        return HostileFiles.write(file, HostileFiles.matmul(HostileFiles.weight()));
    }

    /** x float[1, 2] for the matmul model. */
    private static Path npz(Path file, float first) {
        Npz.write(file, Map.of("x", NdArray.ofFloats(new float[] {first, 1}, 1, 2)));
        return file;
    }

    private static Path empty(Path file) {
        Npz.write(file, Map.of("x", NdArray.ofFloats(new float[0], 0, 2)));
        return file;
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
