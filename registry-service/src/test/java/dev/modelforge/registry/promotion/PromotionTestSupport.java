package dev.modelforge.registry.promotion;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.jobs;
import static dev.modelforge.registry.planner.PipelineTestSupport.storeContentAddressed;
import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.registry.job.WorkerCalls;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plays the workers for the promotion tests: finishes compression jobs and posts benchmark results via REST. */
public final class PromotionTestSupport {

    private PromotionTestSupport() {
    }

    public static RequestSpecification as(String role) {
        return given().auth().oauth2(key(role)).contentType("application/json");
    }

    /** A profile of our own: given hardware, the int8-dynamic recipe only, and {@code policy}. */
    public static void putProfile(String name, String arch, int cores, int memoryMb, List<String> isa, String policyJson)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("description", "promotion test profile");
        body.put("hardware", Map.of("arch", arch, "cores", cores, "memoryMb", memoryMb, "isaFeatures", isa));
        body.put("runtime", Map.of("executionProvider", "cpu", "intraOpThreads", 1, "interOpThreads", 1,
                "graphOptimizationLevel", "all"));
        body.put("limits", Map.of());
        body.put("recipes", List.of(Map.of("steps", List.of(Map.of("name", "int8-dynamic", "params", Map.of())))));
        body.put("policy", JSON.readTree(policyJson));
        as("admin").body(body).put("/api/v1/device-profiles/{name}", name).then().statusCode(201);
    }

    /** Claims the version's int8-dynamic compression job and registers {@code bytes} as its variant; returns its id. */
    public static String finishInt8Job(String model, int version, byte[] bytes) throws Exception {
        String jobId = null;
        for (JsonNode j : jobs(model, version)) {
            if (j.toString().contains("int8-dynamic")) {
                jobId = j.get("id").asText();
            }
        }
        WorkerCalls.claim(jobId);
        String sha = storeContentAddressed(bytes);
        return WorkerCalls.holder(jobId).body(Map.of("workerId", "w-promo", "toolVersion", "core/test",
                        "artifact", Map.of("storageKey", "sha256/" + sha, "sha256", sha, "sizeBytes", bytes.length),
                        "report", Map.of("passes", List.of())))
                .post("/api/v1/jobs/{id}/variant", jobId).then().statusCode(201).extract().path("id");
    }

    public static String sha(byte[] b) {
        return dev.modelforge.registry.RegistryTestSupport.sha256(b);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static JsonNode get(String role, String path, Object... params) throws Exception {
        return JSON.readTree(as(role).get(path, params).then().statusCode(200).extract().asString());
    }

    /** The benchmark job of the variant on the profile (the newest when there are several). */
    public static String benchmarkJob(String model, int version, String variantId, String profile) throws Exception {
        String id = null;
        for (JsonNode j : get("reader", "/api/v1/models/{m}/versions/{v}/benchmark-jobs", model, version)) {
            if (j.get("variantId").asText().equals(variantId) && j.get("deviceProfile").asText().equals(profile)) {
                id = j.get("id").asText();
            }
        }
        return id;
    }

    /** Starts the job (once) and posts an ok result as a worker would; {@code ratio} null means no paired comparison (the baseline). */
    public static ValidatableResponse postResult(String model, int version, String variantId, String profile, double p50,
                                          Double ratio, double accuracy, long size) throws Exception {
        String job = benchmarkJob(model, version, variantId, profile);
        WorkerCalls.startOnce(job);
        return WorkerCalls.holder(job).body(result(job, variantId, profile, p50, ratio, accuracy, size))
                .post("/api/v1/variants/{id}/benchmarks", variantId).then();
    }

    public static Map<String, Object> result(String job, String variantId, String profile, double p50, Double ratio,
                                      double accuracy, long size) {
        Map<String, Object> latency = latency(p50);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("jobId", job);
        r.put("variantId", variantId);
        r.put("deviceProfile", profile);
        r.put("status", "OK");
        r.put("emulated", true);
        r.put("sizeBytes", size);
        r.put("loadMillis", 3.5);
        r.put("latency", latency);
        r.put("throughput", List.of(Map.of("batchSize", 1, "samplesPerSecond", 1000 / p50, "latency", latency)));
        r.put("peakRssMb", 60.0);
        r.put("baseRssMb", 40.0);
        r.put("accuracy", Map.of("kind", "LABELS", "samples", 200, "output", "y", "top1Accuracy", accuracy));
        if (ratio != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("processes", 2);
            c.put("rounds", 40);
            c.put("ratio", ratio);
            c.put("ciLow", ratio - 0.05);
            c.put("ciHigh", ratio + 0.05);
            c.put("confidenceLevel", 0.95);
            c.put("baselineLatency", latency(p50 / ratio));
            c.put("variantLatency", latency);
            r.put("comparison", c);
        }
        r.put("fingerprint", Map.of("cpuModel", "test cpu", "arch", "x86_64", "logicalCores", 2, "coresUsed", 1,
                "isaFlags", List.of("avx2"), "ortVersion", "1.23.2", "os", "Linux", "jvm", "17",
                "workerVersion", "test"));
        r.put("notes", List.of());
        r.put("measuredAt", "2026-11-29T20:00:00Z");
        return r;
    }

    private static Map<String, Object> latency(double p50) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("batchSize", 1);
        l.put("samples", 100);
        l.put("p50Millis", p50);
        l.put("p90Millis", p50 * 1.1);
        l.put("p95Millis", p50 * 1.2);
        l.put("p99Millis", p50 * 1.4);
        l.put("meanMillis", p50);
        l.put("stddevMillis", p50 * 0.05);
        l.put("minMillis", p50 * 0.9);
        l.put("maxMillis", p50 * 1.5);
        return l;
    }
}
