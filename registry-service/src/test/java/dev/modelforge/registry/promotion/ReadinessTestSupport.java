package dev.modelforge.registry.promotion;

import dev.modelforge.registry.job.WorkerCalls;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.registry.planner.PipelineTestSupport;
import java.util.List;
import java.util.Map;

/** The promotion helpers, for tests of other packages (they are package-private here). */
public final class ReadinessTestSupport {
    private ReadinessTestSupport() {
    }

    public static void putProfile(String name, int cores) throws Exception {
        PromotionTestSupport.putProfile(name, "x86_64", cores, 3000 + cores, List.of(), "{}");
    }

    public static void deleteProfile(String name) {
        PromotionTestSupport.as("admin").delete("/api/v1/device-profiles/{name}", name).then().statusCode(204);
    }

    public static String baseline(String model) throws Exception {
        return PromotionFlowTest.baselineOfModel(model, 1);
    }

    public static String finishInt8(String model) throws Exception {
        return PromotionTestSupport.finishInt8Job(model, 1, PromotionTestSupport.bytes("int8-" + model));
    }

    /** Fails every compression job still queued (as a worker refusing it), so the version reaches benchmarking. */
    public static void refuseOtherJobs(String model) throws Exception {
        for (JsonNode j : PipelineTestSupport.jobs(model, 1)) {
            if (j.get("status").asText().equals("queued")) {
                String id = j.get("id").asText();
                WorkerCalls.claim(id);
                WorkerCalls.holder(id).body(Map.of("workerId", "w-test", "kind", "refused",
                        "reason", "not in this test")).post("/api/v1/jobs/{id}/fail", id).then().statusCode(200);
            }
        }
    }

    public static void result(String model, String variant, String profile, double p50, Double ratio) throws Exception {
        PromotionTestSupport.postResult(model, 1, variant, profile, p50, ratio, 0.9, 1000).statusCode(201);
    }
}
