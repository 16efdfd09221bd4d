package dev.modelforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.client.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upload --wait}, {@code best --download} and the query commands against a real HTTP server with canned
 * registry answers: what they print, and which exit code each failure class gets. The real pipeline is exercised
 * end to end by {@code ./modelforge demo}.
 */
class WaitAndQueryCommandsTest extends CannedCliTest {
    private static final String V = "/api/v1/models/digits/versions/1";
    private static final String VERSION = """
            {"modelId":1,"modelName":"digits","version":1,"status":"%s",
             "artifact":{"sha256":"aaaaaaaaaaaaaaaaaaaa","sizeBytes":100000,"mediaType":"application/vnd.onnx"}}""";
    private static final String PROFILES = """
            [{"name":"x86-server","active":true},{"name":"iot-1core","active":true},{"name":"old","active":false}]""";
    private static final String JOBS_RUNNING = """
            [{"id":"j1","modelName":"digits","version":1,"recipe":{"steps":[{"name":"int8-static","params":{}}]},
              "profiles":["x86-server","iot-1core"],"status":"running","attempts":1,"progressPercent":40}]""";
    private static final String JOBS_DONE = """
            [{"id":"j1","modelName":"digits","version":1,"recipe":{"steps":[{"name":"int8-static","params":{}}]},
              "profiles":["x86-server","iot-1core"],"status":"succeeded","attempts":1,"progressPercent":100},
             {"id":"j2","modelName":"digits","version":1,"recipe":{"steps":[{"name":"int4-weight-only","params":{}}]},
              "profiles":["iot-1core"],"status":"failed","attempts":1,"progressPercent":0,
              "error":"no MatMul with a constant weight to quantize"}]""";
    private static final String BENCH_DONE = """
            [{"id":"b1","variantId":"v-base","modelName":"digits","version":1,"recipe":"baseline",
              "deviceProfile":"x86-server","status":"succeeded"},
             {"id":"b2","variantId":"v-int8","modelName":"digits","version":1,"recipe":"int8-static",
              "deviceProfile":"x86-server","status":"succeeded"},
             {"id":"b3","variantId":"v-int8","modelName":"digits","version":1,"recipe":"int8-static",
              "deviceProfile":"iot-1core","status":"succeeded"}]""";
    private static final String PROMOTED_X86 = """
            {"id":"p-x86","modelName":"digits","device":"x86-server","kind":"policy","outcome":"promoted",
             "version":1,"variantId":"v-int8","recipe":"int8-static","decidedVersion":1,
             "reason":"int8-static is the fastest eligible variant (0.48x baseline latency)",
             "verdicts":[{"variantId":"v-int8","version":1,"recipe":"int8-static","eligible":true,"rank":1}],
             "decidedBy":"policy","decidedAt":"2026-11-29T20:00:00Z","effectiveAt":"2026-11-29T20:00:00Z"}""";
    private static final String NOTHING_IOT = """
            {"id":"p-iot","modelName":"digits","device":"iot-1core","kind":"policy","outcome":"nothing_eligible",
             "decidedVersion":1,"reason":"no candidate meets the policy",
             "verdicts":[{"variantId":"v-int8","version":1,"recipe":"int8-static","eligible":false,
                          "reasons":["size 6.2 MB > maxSizeMb 5.0"]}],
             "decidedBy":"policy","decidedAt":"2026-11-29T20:00:00Z"}""";
    private static final String PROMOTED_IOT = NOTHING_IOT.replace("\"nothing_eligible\"", "\"promoted\"")
            .replace("\"decidedVersion\":1", "\"decidedVersion\":1,\"version\":1,\"variantId\":\"v-int8\","
                    + "\"recipe\":\"int8-static\"").replace("no candidate meets the policy", "smallest eligible");
    private static final String BEST = """
            {"modelName":"digits","device":"%s","resolvedProfile":false,"version":1,"variantId":"v-int8",
             "recipe":{"steps":[{"name":"int8-static","params":{}}]},"sha256":"%s","sizeBytes":%d,
             "downloadUrl":"%s/blob","promotionId":"p-x86","promotedAt":"2026-11-29T20:00:00Z","promotedBy":"policy",
             "benchmark":{"jobId":"b2","variantId":"v-int8","deviceProfile":"x86-server","status":"OK","emulated":true,
               "latency":{"batchSize":1,"samples":200,"p50Millis":0.21,"p90Millis":0.3,"p95Millis":0.35,
                          "p99Millis":0.5,"meanMillis":0.22,"stddevMillis":0.02,"minMillis":0.18,"maxMillis":0.9},
               "accuracy":{"kind":"LABELS","samples":360,"output":"logits","top1Accuracy":0.975}},
             "deltas":{"baselineVariantId":"v-base","latencyRatio":0.48,"sizeRatio":0.3,"accuracyDeltaPoints":-0.28}}""";

    @TempDir
    Path dir;


    private Path model() throws IOException {
        return Files.write(dir.resolve("digits.onnx"), "bytes".getBytes(StandardCharsets.UTF_8));
    }

    private void pipeline(String iotDecision) {
        String best = BEST.formatted("x86-server", "ab", 30000, registry.url());
        registry.on("POST /api/v1/models/digits/versions", 201, VERSION.formatted("uploaded"))
                .on("GET /api/v1/device-profiles", PROFILES)
                .on("GET " + V, VERSION.formatted("compressing"), VERSION.formatted("ready"))
                .on("GET " + V + "/jobs", JOBS_RUNNING, JOBS_DONE)
                .on("GET " + V + "/benchmark-jobs", "[]", BENCH_DONE)
                .on("GET /api/v1/models/digits/promotions", "[]", "[" + PROMOTED_X86 + "," + iotDecision + "]")
                .on("GET /api/v1/models/digits/best?device=x86-server", best)
                .on("GET /api/v1/models/digits/best?device=iot-1core", best.replace("\"x86-server\"", "\"iot-1core\"")
                        .replace("\"p-x86\"", "\"p-iot\""));
    }

    @Test
    void waitFollowsEveryActiveProfileAndPrintsTheDeviceTable() throws Exception {
        pipeline(PROMOTED_IOT);
        int code = run("upload", "--model", "digits", "--no-progress", "--wait", model().toString());

        assertThat(code).as(err.toString()).isZero();
        String table = out.toString();
        assertThat(table).contains("following it on x86-server, iot-1core").doesNotContain("old,");
        assertThat(table).containsPattern("x86-server +promoted +v-int8 +int8-static +29\\.3 KiB +0\\.35 ms +97\\.50% "
                + "+0\\.48x +0\\.30x +-0\\.28 pt +int8-static is the fastest eligible variant");
        assertThat(table).containsPattern("iot-1core +promoted .* smallest eligible").contains("emulated");
        // Polled until decided: the second answers were reached, and the version was read more than once.
        assertThat(registry.requests.stream().filter(r -> r.equals("GET " + V)).count()).isGreaterThan(1);
    }

    @Test
    void waitWithoutDeviceSkipsProfilesNoBenchmarkWorkerServesAndSaysWhy() throws Exception {
        pipeline(PROMOTED_IOT);
        registry.on("GET /api/v1/device-profiles", """
                        [{"name":"x86-server","active":true},{"name":"gpu-fp16","active":true}]""")
                .on("GET /api/v1/benchmark-workers", """
                        [{"profile":"x86-server","consumerGroup":"modelforge-benchmark-x86-server","members":1,
                          "state":"Stable"},
                         {"profile":"gpu-fp16","consumerGroup":"modelforge-benchmark-gpu-fp16","members":0,
                          "state":"Empty"}]""");
        int code = run("upload", "--model", "digits", "--no-progress", "--wait", model().toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("skipping gpu-fp16: no live benchmark worker (consumer group "
                + "modelforge-benchmark-gpu-fp16 has no member)");
        assertThat(out.toString()).contains("following it on x86-server").doesNotContain("gpu-fp16");

        // Named explicitly, an unserved profile is still followed (here it never decides: the wait times out).
        assertThat(run("wait", "digits", "1", "--device", "gpu-fp16", "--timeout", "1s", "--no-progress"))
                .isIn(ExitCodes.TIMEOUT, ExitCodes.NOT_FOUND);
    }

    @Test
    void progressWithoutTerminalPrintsOnlyChangedLines() throws Exception {
        pipeline(PROMOTED_IOT);
        int code = Main.run(new String[]{"upload", "--model", "digits", "--wait", "--url", registry.url(),
                model().toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).isZero();
        String progress = err.toString();
        assertThat(progress).contains("digits v1: compressing — compression 0/1, benchmarks 0/0, decided 0/2")
                .contains("digits v1: ready — compression 2/2, benchmarks 3/3, decided 2/2")
                .contains("! compression int4-weight-only for iot-1core failed: no MatMul with a constant weight to quantize")
                .doesNotContain("\033[");
        assertThat(progress.lines().filter(l -> l.contains("compression 0/1, benchmarks 0/0")).count()).isEqualTo(1);
    }

    @Test
    void onATerminalTheProgressBlockIsRedrawnInPlace() throws Exception {
        pipeline(PROMOTED_IOT);
        var client = new RegistryClient(java.net.URI.create(registry.url()), "k");
        var follower = new VersionFollower(client, new PrintWriter(err, true), true, true)
                .firstPoll(java.time.Duration.ofMillis(10));
        VersionFollower.Result result = follower.follow("digits", 1, List.of("x86-server", "iot-1core"),
                java.time.Duration.ofMinutes(1));

        assertThat(result.succeeded()).isTrue();
        // Block = version line + 2 devices (+ 1 failed job the second time); the redraw moves up over the old block.
        assertThat(err.toString()).startsWith("[0:00] digits v1: compressing").contains("\033[3F\033[J")
                .contains("! compression int4-weight-only");
        assertThat(result.devices()).extracting(DeviceOutcome::device).containsExactly("x86-server", "iot-1core");
    }

    @Test
    void nothingEligibleExitsWithPipelineFailureNamingDeviceAndReasons() throws Exception {
        pipeline(NOTHING_IOT);
        registry.on("GET " + V + "/pareto?device=iot-1core", "[]");
        int code = run("upload", "--model", "digits", "--no-progress", "--wait", model().toString());

        assertThat(code).isEqualTo(ExitCodes.PIPELINE_FAILED);
        assertThat(out.toString()).containsPattern("iot-1core +nothing_eligible");
        assertThat(err.toString()).contains("nothing eligible on iot-1core: no candidate meets the policy")
                .contains("int8-static (v1, v-int8): size 6.2 MB > maxSizeMb 5.0")
                .contains("compression job int4-weight-only for iot-1core failed: no MatMul");
    }

    @Test
    void waitTimesOutNamingTheUndecidedDevices() throws Exception {
        registry.on("POST /api/v1/models/digits/versions", 201, VERSION.formatted("uploaded"))
                .on("GET /api/v1/device-profiles/x86-server", "{\"name\":\"x86-server\"}")
                .on("GET " + V, VERSION.formatted("benchmarking"))
                .on("GET " + V + "/jobs", JOBS_DONE)
                .on("GET " + V + "/benchmark-jobs", BENCH_DONE)
                .on("GET /api/v1/models/digits/promotions", "[]");
        int code = run("upload", "--model", "digits", "--no-progress", "--wait", "--timeout", "1s",
                "--device", "x86-server", model().toString());

        assertThat(code).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(err.toString()).contains("timed out after 0:01 waiting for digits v1; no decision yet for x86-server")
                .contains("x86-server");
    }

    @Test
    void waitForAnUnknownDeviceFailsFastWithNotFound() throws Exception {
        registry.on("POST /api/v1/models/digits/versions", 201, VERSION.formatted("uploaded"));
        int code = run("upload", "--model", "digits", "--no-progress", "--wait", "--device", "x86-servr",
                model().toString());
        assertThat(code).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(err.toString()).contains("GET /api/v1/device-profiles/x86-servr");
    }

    @Test
    void waitJsonIsOneDocumentWithUploadAndDevices() throws Exception {
        pipeline(PROMOTED_IOT);
        int code = run("upload", "--model", "digits", "--no-progress", "--wait", "--json", model().toString());
        assertThat(code).isZero();
        JsonNode doc = RegistryClient.objectMapper().readTree(out.toString());
        assertThat(doc.path("upload").path("created").asBoolean()).isTrue();
        assertThat(doc.path("succeeded").asBoolean()).isTrue();
        assertThat(doc.path("devices")).hasSize(2);
        assertThat(doc.path("devices").get(0).path("latencyRatio").asDouble()).isEqualTo(0.48);
        assertThat(doc.path("failedJobs").get(0).path("error").asText()).contains("no MatMul");
    }

    @Test
    void bestDownloadVerifiesTheChecksumAndMovesTheFileIntoPlace() throws Exception {
        byte[] blob = "onnx variant bytes".getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        registry.on("GET /api/v1/models/digits/best?device=x86-server",
                        BEST.formatted("x86-server", sha, blob.length, registry.url()))
                .on("GET /blob", new String(blob, StandardCharsets.UTF_8));
        Path target = dir.resolve("models");
        int code = run("best", "digits", "--device", "x86-server", "--download", target.toString(), "--no-progress");

        assertThat(code).as(err.toString()).isZero();
        Path file = target.resolve("digits-v1-x86-server-int8-static.onnx");
        assertThat(file).hasBinaryContent(blob);
        try (var files = Files.list(target)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(out.toString()).contains("sha256 verified").contains("p95 0.35 ms").contains("latency 0.48x");
        // The presigned URL carries its own signature: the API key must not leak to object storage.
        assertThat(registry.requests).contains("GET /blob");
    }

    @Test
    void variantsDownloadFetchesAnyVariantThroughItsRedirectAndVerifiesIt() throws Exception {
        byte[] blob = "an unpromoted candidate".getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        String variants = """
                [{"id":"v-base","modelName":"digits","version":1,"recipe":{"steps":[{"name":"baseline","params":{}}]},"sha256":"00",
                  "sizeBytes":1,"profiles":[]},
                 {"id":"v-int4","modelName":"digits","version":1,
                  "recipe":{"steps":[{"name":"int4-weights","params":{}}]},"sha256":"%s","sizeBytes":%d,"profiles":[]}]"""
                .formatted(sha, blob.length);
        registry.on("GET " + V + "/variants", variants)
                .on("GET /api/v1/variants/v-int4/artifact", 302, registry.url() + "/blob-int4")
                .on("GET /blob-int4", new String(blob, StandardCharsets.UTF_8))
                .on("GET /api/v1/variants/v-base/artifact", 302, registry.url() + "/blob-int4");
        Path target = dir.resolve("candidates");

        int code = run("variants", "digits", "1", "--download", "v-int4", target.toString(), "--no-progress");
        assertThat(code).as(err.toString()).isZero();
        assertThat(target.resolve("digits-v1-int4-weights.onnx")).hasBinaryContent(blob);
        assertThat(out.toString()).contains("sha256 " + sha + " verified");

        // The baseline's recorded sha256 does not match what storage sent: nothing is saved.
        Path other = dir.resolve("other");
        assertThat(run("variants", "digits", "1", "--download", "v-base", other.toString(), "--no-progress"))
                .isEqualTo(ExitCodes.CHECKSUM);
        try (var files = Files.list(other)) {
            assertThat(files).isEmpty();
        }
        assertThat(run("variants", "digits", "1", "--download", "v-nope", other.toString(), "--no-progress"))
                .isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void bestDownloadWithWrongChecksumLeavesNoFile() throws Exception {
        registry.on("GET /api/v1/models/digits/best?device=x86-server",
                        BEST.formatted("x86-server", "00".repeat(32), 5, registry.url()))
                .on("GET /blob", "tampered");
        Path target = dir.resolve("models");
        int code = run("best", "digits", "--device", "x86-server", "--download", target.toString(), "--no-progress");

        assertThat(code).isEqualTo(ExitCodes.CHECKSUM);
        assertThat(err.toString()).contains("does not match the registry's " + "00".repeat(32));
        try (var files = Files.list(target)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void bestByDescriptionSendsTheHardwareAndSaysWhichProfileWasChosen() throws Exception {
        registry.on("GET /api/v1/models/digits/best", BEST.formatted("arm64-mobile", "ab", 1, registry.url())
                .replace("\"resolvedProfile\":false", "\"resolvedProfile\":true,\"resolution\":\"arch and isa match\""));
        int code = run("best", "digits", "--arch", "arm64", "--cores", "4", "--isa", "neon,dotprod");
        assertThat(code).as(err.toString()).isZero();
        assertThat(registry.requests).contains("GET /api/v1/models/digits/best?arch=arm64&cores=4&isa=neon%2Cdotprod");
        assertThat(out.toString()).contains("arm64-mobile (chosen from the description: arch and isa match)");
    }

    @Test
    void unknownModelIsNotFoundWithTheRegistrysDetailAndJsonError() throws Exception {
        registry.on("GET /api/v1/models/nope/versions", 404, """
                {"type":"https://modelforge.dev/problems/model-not-found","status":404,"detail":"no model 'nope'"}""");
        int code = run("versions", "nope", "--json");
        assertThat(code).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(err.toString()).contains("no model 'nope'");
        JsonNode doc = RegistryClient.objectMapper().readTree(out.toString());
        assertThat(doc.path("error").path("exitCode").asInt()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(doc.path("error").path("problem").path("type").asText()).endsWith("model-not-found");
    }

    @Test
    void forbiddenPromotionSaysWhichRoleIsNeeded() {
        registry.on("POST /api/v1/models/digits/promotions", 403, """
                {"type":"https://modelforge.dev/problems/forbidden","status":403,"detail":"role reader"}""");
        int code = run("promote", "digits", "--device", "x86-server", "--variant", "v1", "--reason", "hotfix");
        assertThat(code).isEqualTo(ExitCodes.AUTH);
        assertThat(err.toString()).contains("'promote' needs a key with role 'promoter'");
    }

    @Test
    void rejectedRequestsAndBadInputHaveTheirOwnCodes() throws Exception {
        registry.on("PUT /api/v1/device-profiles/edge", 422, """
                {"type":"https://modelforge.dev/problems/invalid-profile","status":422,"detail":"unknown recipe 'int3'"}""");
        Path good = Files.writeString(dir.resolve("edge.json"), "{\"name\":\"edge\",\"recipes\":[\"int3\"]}");
        assertThat(run("profiles", "apply", good.toString())).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString()).contains("unknown recipe 'int3'");

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\": ");
        assertThat(run("profiles", "apply", bad.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("bad.json is not a device profile JSON");

        assertThat(run("history", "digits", "--at", "2026-11-29T20:00:00Z")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--at needs --device");
        assertThat(run("upload", "--model", "digits", "--wait", "--timeout", "soon", model().toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'soon' is not a duration");
    }

    @Test
    void everyExitCodeMeansOneThingAcrossTheCliIncludingCompress() throws Exception {
        var codes = new java.util.HashMap<Integer, String>();
        for (var f : ExitCodes.class.getDeclaredFields()) {
            if (f.getType() == int.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                String previous = codes.put(f.getInt(null), f.getName());
                assertThat(previous).as("exit code %d used by %s and %s", f.getInt(null), previous, f.getName())
                        .isNull();
            }
        }
        assertThat(codes).containsEntry(dev.modelforge.compress.cli.CompressCommand.EXIT_BAD_INPUT, "USAGE");
        // --help lists each code once, in order.
        StringWriter help = new StringWriter();
        Main.run(new String[]{"--help"}, new PrintWriter(help, true), new PrintWriter(err, true));
        for (int code : codes.keySet()) {
            assertThat(help.toString()).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
        }
    }

    @Test
    void historyAndApprovalPrintTheRecords() {
        registry.on("GET /api/v1/models/digits/promotions", "[" + PROMOTED_X86 + "]")
                .on("POST /api/v1/promotions/p-x86/approve", PROMOTED_X86.replace("\"decidedBy\":\"policy\"",
                        "\"approval\":\"approved\",\"reviewedBy\":\"alice\",\"reviewComment\":\"ok\",\"decidedBy\":\"policy\""));
        assertThat(run("history", "digits")).isZero();
        assertThat(out.toString()).containsPattern("x86-server +policy +promoted +1 +v-int8 +int8-static +p-x86");
        assertThat(run("approve", "p-x86", "--comment", "ok")).isZero();
        assertThat(out.toString()).contains("promoted (approved)").contains("review   alice");
    }
}
