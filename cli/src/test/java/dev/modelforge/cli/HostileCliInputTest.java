package dev.modelforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CLI half of the hostile-input suite, for what the CLI decides without a registry: files that are missing,
 * empty, a directory, not ONNX, truncated, with external data or poisoned evaluation data; recipes, parameters and
 * profile files that are wrong; registry URLs that refuse connections, do not speak HTTP, serve a web page or never
 * answer; downloads that do not match their sha256 or break off. Every case must end with the documented exit code
 * (2: fix your input, 9: checksum, 10: not a reachable registry), a message naming the problem, no Java exception
 * name or stack trace, and no file left behind. What the real registry refuses is in {@code HostileCliRegistryIT}.
 */
class HostileCliInputTest {
    /** An address nothing listens on: connections are refused at once. */
    private static final String REFUSING = "http://127.0.0.1:1";

    @TempDir
    Path dir;

    private final List<AutoCloseable> servers = new ArrayList<>();

    /** @param setup writes the case's files into the directory and answers the command line */
    record Case(String name, int exitCode, String mentions, Function<Ctx, String[]> setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What a case's setup gets: its directory, and a way to start a server that lives as long as the case. */
    record Ctx(Path dir, HostileCliInputTest test) {
        Path file(String name) {
            return dir.resolve(name);
        }

        String serve(RawServer.Handler handler) {
            RawServer s = new RawServer(handler);
            test.servers.add(s);
            return s.url();
        }

        String canned(java.util.function.Consumer<CannedRegistry> answers) {
            try {
                CannedRegistry r = new CannedRegistry();
                test.servers.add(r);
                answers.accept(r);
                return r.url();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endsWithAMessageTheUserCanActOn(Case c) throws IOException {
        String[] args = c.setup().apply(new Ctx(dir, this));
        Set<Path> before = listing();
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        String said = err.toString();
        assertThat(code).as("%s: %s", c.name(), said).isEqualTo(c.exitCode());
        assertThat(said).as(c.name()).contains(c.mentions())
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
        assertThat(out.toString()).as(c.name()).doesNotContain("Exception");
        assertThat(listing()).as("%s leaves no file behind", c.name()).isEqualTo(before);
    }

    /** The file name comes from the registry's answer: a device named like a path still saves inside DIR. */
    @org.junit.jupiter.api.Test
    void aDownloadNamedLikeAPathStaysInItsDirectory() throws Exception {
        byte[] blob = "the model".getBytes(StandardCharsets.UTF_8);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(blob));
        Path target = dir.resolve("a").resolve("b");
        try (CannedRegistry r = new CannedRegistry()) {
            r.on("GET /api/v1/models/m/best?device=d", best(sha, blob.length, r.url() + "/blob")
                    .replace("\"device\":\"d\"", "\"device\":\"../../escape\"")).on("GET /blob", "the model");
            int code = r.runCli(new StringWriter(), new StringWriter(), "best", "m", "--device", "d", "--download",
                    target.toString(), "--no-progress");
            assertThat(code).isZero();
        }
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement().asString()
                    .doesNotContain("/").contains("escape");
        }
        assertThat(dir.resolve("escape-int8-dynamic.onnx")).doesNotExist();
    }

    private Set<Path> listing() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            // files only: a download may create its (empty) target directory
            return files.filter(Files::isRegularFile).collect(Collectors.toSet());
        }
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.addAll(files());
        all.addAll(compress());
        all.addAll(profiles());
        all.addAll(registries());
        all.addAll(downloads());
        assertThat(all).hasSizeGreaterThanOrEqualTo(20);
        return all.stream();
    }

    private static List<Case> files() {
        return List.of(
                new Case("upload of a missing file", 2, "does not exist", c -> upload(c.file("nope.onnx"))),
                new Case("upload of a directory without model.onnx", 2, "without model.onnx at its top", c -> {
                    HostileFiles.write(c.file("weights.onnx"), HostileFiles.matmul(HostileFiles.weight()));
                    return upload(c.dir());
                }),
                new Case("upload of an empty file", 2, "is empty", c -> upload(HostileFiles.write(c.file("m.onnx"),
                        new byte[0]))),
                new Case("upload through a dangling symlink", 2, "does not exist", c -> {
                    try {
                        return upload(Files.createSymbolicLink(c.file("link.onnx"), c.file("gone.onnx")));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }),
                new Case("upload with a missing --eval", 2, "--eval", c -> concat(upload(model(c)), "--eval",
                        c.file("eval.npz").toString())),
                new Case("upload with an empty --calibration", 2, "--calibration", c -> concat(upload(model(c)),
                        "--calibration", HostileFiles.write(c.file("c.npz"), new byte[0]).toString())),
                new Case("upload under an invalid model name", 2, "'../etc'", c -> new String[] {"upload", "--model",
                        "../etc", model(c).toString(), "--url", REFUSING, "--no-progress"}));
    }

    private static List<Case> compress() {
        return List.of(
                new Case("compress of a file that is not ONNX", 2, "not an ONNX model", c -> compress(
                        HostileFiles.write(c.file("in.onnx"), "PK\u0003\u0004 a zip, not a model"
                                .getBytes(StandardCharsets.UTF_8)), c, "int8-dynamic")),
                new Case("compress of a truncated model", 2, "truncated", c -> compress(
                        HostileFiles.truncated(c.file("in.onnx")), c, "int8-dynamic")),
                new Case("compress of an empty file", 2, "empty", c -> compress(HostileFiles.write(c.file("in.onnx"),
                        new byte[0]), c, "fp16")),
                new Case("compress of a model whose external data climbs out", 2, "../../../../etc/passwd", c -> compress(
                        HostileFiles.write(c.file("in.onnx"), HostileFiles.matmul(
                                HostileFiles.externalWeight("../../../../etc/passwd"))), c, "fp16")),
                new Case("compress of a model whose external data is an absolute path", 2, "/etc/hostname", c -> compress(
                        HostileFiles.write(c.file("in.onnx"), HostileFiles.matmul(
                                HostileFiles.externalWeight("/etc/hostname"))), c, "fp16")),
                new Case("compress of a directory", 2, "is a directory", c -> compress(c.dir(), c, "fp16")),
                new Case("compress into a directory", 2, "is a directory", c -> new String[] {"compress",
                        HostileFiles.CNN.toString(), c.dir().toString(), "--recipe", "fp16"}),
                new Case("compress with NaN in the evaluation data", 2, "NaN", c -> concat(compress(HostileFiles.CNN,
                        c, "fp16"), "--eval", HostileFiles.nanEval(c.file("eval.npz")).toString())),
                new Case("compress with a test-data zip climbing out", 2, "../test_data_set_0/input_0.pb", c -> concat(
                        compress(HostileFiles.CNN, c, "fp16"), "--eval",
                        HostileFiles.climbingZip(c.file("eval.zip")).toString())),
                new Case("compress with an unknown recipe", 2, "unknown recipe 'int3-magic'", c -> compress(
                        HostileFiles.CNN, c, "int3-magic")),
                new Case("compress with a --param that is not KEY=VALUE", 2, "KEY=VALUE", c -> concat(compress(
                        HostileFiles.CNN, c, "prune-structured"), "--param", "ratio")),
                new Case("compress with a --param of the wrong type", 2, "expected a number", c -> concat(compress(
                        HostileFiles.CNN, c, "prune-structured"), "--param", "ratio=lots")),
                new Case("compress with a --param out of range", 2, "ratio", c -> concat(compress(
                        HostileFiles.CNN, c, "prune-structured"), "--param", "ratio=7")),
                new Case("compress with a recipe file that is not JSON", 2, "recipe", c -> compress(HostileFiles.CNN, c,
                        HostileFiles.write(c.file("recipe.json"), "[{\"pass\": ".getBytes(StandardCharsets.UTF_8))
                                .toString())));
    }

    private static List<Case> profiles() {
        return List.of(
                new Case("a profile file that is not JSON", 2, "line 1", c -> profile(c, "{\"name\": \"p\", ")),
                new Case("a profile file with a misspelt field", 2, "unknown field 'recipies'", c -> profile(c,
                        "{\"name\": \"p\", \"recipies\": [\"fp16\"]}")),
                new Case("a profile file with an unknown nested field", 2, "unknown field 'corez' in hardware", c ->
                        profile(c, "{\"name\": \"p\", \"hardware\": {\"arch\": \"arm64\", \"corez\": 2}}")),
                new Case("a profile file without a name", 2, "has no \"name\"", c -> profile(c, "{\"active\": false}")),
                new Case("a profile file that is a directory", 2, "is a directory", c -> new String[] {"profiles",
                        "apply", c.dir().toString(), "--url", REFUSING, "--api-key", "k"}));
    }

    private static List<Case> registries() {
        return List.of(
                new Case("a registry that refuses connections", 10, "cannot reach the registry at " + REFUSING,
                        c -> new String[] {"versions", "m", "--url", REFUSING, "--api-key", "k"}),
                new Case("an upload to a registry that refuses connections", 10, "cannot reach the registry",
                        c -> upload(model(c))),
                new Case("a registry URL that is not http", 2, "must start with http:// or https://",
                        c -> new String[] {"versions", "m", "--url", "ftp://localhost/registry", "--api-key", "k"}),
                new Case("a registry URL that is not a URL", 2, "is not a URL",
                        c -> new String[] {"versions", "m", "--url", "http://local host", "--api-key", "k"}),
                new Case("a registry URL without a host", 2, "has no host",
                        c -> new String[] {"versions", "m", "--url", "http:registry", "--api-key", "k"}),
                new Case("a server that does not speak HTTP", 10, "does not answer HTTP", c -> new String[] {
                        "versions", "m", "--url", c.serve(RawServer.answering("SSH-2.0-OpenSSH_9.6\r\n")),
                        "--api-key", "k"}),
                new Case("a web page where the registry should be", 10, "is --url", c -> new String[] {
                        "versions", "m", "--url", c.serve(RawServer.answering(http(200, "text/html",
                        "<html><body>Welcome to nginx!</body></html>"))), "--api-key", "k"}),
                new Case("a web server's 404 where the registry should be", 10, "not a registry problem",
                        c -> new String[] {"best", "m", "--device", "x", "--url", c.serve(RawServer.answering(
                        http(404, "text/html", "<html>Not Found</html>"))), "--api-key", "k"}),
                new Case("a server that hangs up without answering", 10, "is the registry running there",
                        c -> new String[] {"versions", "m", "--url", c.serve(RawServer.answering("")),
                                "--api-key", "k"}),
                new Case("a server that never answers", 10, "did not answer within 2 s", c -> new String[] {
                        "versions", "m", "--url", c.serve(RawServer.silent()), "--api-key", "k",
                        "--request-timeout", "2s"}),
                new Case("an upload to a server that never answers", 10, "did not answer within 2 s", c -> concat(
                        upload(model(c), c.serve(RawServer.silent())), "--request-timeout", "2s")),
                new Case("an upload to a web page", 10, "other than the registry's JSON", c -> upload(model(c),
                        c.serve(RawServer.answering(http(200, "text/html", "<html>hi</html>"))))),
                new Case("a --request-timeout that is not a duration", 2, "is not a duration", c -> new String[] {
                        "versions", "m", "--url", REFUSING, "--request-timeout", "soon"}));
    }

    private static List<Case> downloads() {
        String sha = "ab".repeat(32);
        return List.of(
                new Case("a download whose sha256 does not match", 9, "does not match", c -> best(c, c.canned(r ->
                        r.on("GET /api/v1/models/m/best?device=d", best(sha, 9, r.url() + "/blob"))
                                .on("GET /blob", "not the model")))),
                new Case("a download whose connection dies", 10, "broke off after", c -> {
                    String blob = c.serve(RawServer.answering("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream"
                            + "\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(5000)));
                    return best(c, c.canned(r -> r.on("GET /api/v1/models/m/best?device=d",
                            best(sha, 100_000, blob + "/blob"))));
                }),
                new Case("a download into a file", 2, "is a file", c -> {
                    String url = c.canned(r -> r.on("GET /api/v1/models/m/best?device=d",
                            best(sha, 9, r.url() + "/blob")).on("GET /blob", "not the model"));
                    Path file = HostileFiles.write(c.file("not-a-dir"), new byte[] {1});
                    return new String[] {"best", "m", "--device", "d", "--download", file.toString(), "--no-progress",
                            "--url", url, "--api-key", "k"};
                }));
    }

    private static String best(String sha, long size, String downloadUrl) {
        return """
                {"modelName":"m","device":"d","version":1,"variantId":"v1",
                 "recipe":{"steps":[{"name":"int8-dynamic","params":{}}]},"sha256":"%s","sizeBytes":%d,
                 "downloadUrl":"%s","promotionId":"p1","promotedAt":"2026-11-29T20:00:00Z","promotedBy":"policy"}"""
                .formatted(sha, size, downloadUrl);
    }

    private static String[] best(Ctx c, String url) {
        return new String[] {"best", "m", "--device", "d", "--download", c.file("out").toString(), "--no-progress",
                "--url", url, "--api-key", "k"};
    }

    private static String http(int status, String type, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
    }

    private static Path model(Ctx c) {
        return HostileFiles.write(c.file("m.onnx"), HostileFiles.matmul(HostileFiles.weight()));
    }

    private static String[] upload(Path file) {
        return upload(file, REFUSING);
    }

    private static String[] upload(Path file, String url) {
        return new String[] {"upload", "--model", "m", file.toString(), "--url", url, "--api-key", "k",
                "--no-progress"};
    }

    private static String[] compress(Path in, Ctx c, String recipe) {
        return new String[] {"compress", in.toString(), c.file("out.onnx").toString(), "--recipe", recipe};
    }

    private static String[] profile(Ctx c, String json) {
        Path file = HostileFiles.write(c.file("profile.json"), json.getBytes(StandardCharsets.UTF_8));
        return new String[] {"profiles", "apply", file.toString(), "--url", REFUSING, "--api-key", "k"};
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A TCP server that reads a request's head and answers raw bytes (or nothing), for servers that are not HTTP. */
    static final class RawServer implements AutoCloseable {
        interface Handler {
            void handle(Socket socket) throws IOException, InterruptedException;
        }

        private final ServerSocket socket;
        private final Thread thread;

        RawServer(Handler handler) {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        handler.handle(s);
                    } catch (IOException | InterruptedException e) {
                        // closed, or the client gave up: next connection
                    }
                }
            }, "raw-server");
            thread.setDaemon(true);
            thread.start();
        }

        static Handler answering(String raw) {
            return s -> {
                readHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            };
        }

        static Handler silent() {
            return s -> {
                readHead(s.getInputStream());
                Thread.sleep(60_000);
            };
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            thread.interrupt();
        }
    }
}
