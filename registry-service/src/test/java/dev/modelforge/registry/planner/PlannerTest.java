package dev.modelforge.registry.planner;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.awaitRecords;
import static dev.modelforge.registry.planner.PipelineTestSupport.jobs;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.variants;
import static dev.modelforge.registry.planner.PipelineTestSupport.versionStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.job.CompressionJobMessage;
import dev.modelforge.api.variant.VariantCreatedEvent;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class PlannerTest {

    /** The distinct recipes of the four seeded profiles, with the profiles that share each. */
    private static final Map<String, List<String>> SEEDED_PLAN = new TreeMap<>(Map.of(
            "int8-dynamic", List.of("x86-server"),
            "int8-static", List.of("arm64-mobile", "iot-1core", "x86-server"),
            "prune-structured+int8-static#0.3", List.of("arm64-mobile"),
            "prune-structured+int8-static#0.5", List.of("iot-1core"),
            "int4-weight-only", List.of("iot-1core"),
            "fp16", List.of("gpu-fp16")));

    private static String planKey(JsonNode recipe) {
        String label = recipe.get("label").asText();
        JsonNode ratio = recipe.at("/steps/0/params/ratio");
        return ratio.isMissingNode() ? label : label + "#" + ratio.asText();
    }

    @Test
    void uploadPlansOneJobPerDistinctRecipeAndTheBaselineVariant() throws Exception {
        String model = "planner-relu";
        byte[] onnx = reluModel("planner");
        int version = upload(model, onnx);

        JsonNode jobs = jobs(model, version);
        Map<String, List<String>> plan = new TreeMap<>();
        for (JsonNode job : jobs) {
            assertThat(job.get("status").asText()).isEqualTo("queued");
            assertThat(job.get("attempts").asInt()).isZero();
            List<String> profiles = new ArrayList<>();
            job.get("profiles").forEach(p -> profiles.add(p.asText()));
            assertThat(plan.put(planKey(job.get("recipe")), profiles)).as("duplicate job").isNull();
        }
        assertThat(plan).isEqualTo(SEEDED_PLAN);

        JsonNode variants = variants(model, version);
        assertThat(variants).hasSize(1);
        JsonNode baseline = variants.get(0);
        assertThat(baseline.at("/recipe/label").asText()).isEqualTo("baseline");
        assertThat(baseline.get("sha256").asText()).isEqualTo(sha256(onnx));
        assertThat(baseline.get("sizeBytes").asLong()).isEqualTo(onnx.length);
        assertThat(baseline.get("profiles")).extracting(JsonNode::asText)
                .containsExactly("arm64-mobile", "gpu-fp16", "iot-1core", "x86-server");
        assertThat(baseline.get("jobId").isNull()).isTrue();
        given().auth().oauth2(key("reader")).get("/api/v1/variants/{id}", baseline.get("id").asText())
                .then().statusCode(200);

        // Planned, not started: still "uploaded" until a worker claims a job.
        assertThat(versionStatus(model, version)).isEqualTo("uploaded");

        // Every job is published once, keyed by the model id, with what a worker needs.
        var records = awaitRecords(CompressionJobMessage.TOPIC, SEEDED_PLAN.size(),
                j -> model.equals(j.path("modelName").asText()));
        assertThat(records).hasSize(SEEDED_PLAN.size());
        List<String> jobIds = new ArrayList<>();
        jobs.forEach(j -> jobIds.add(j.get("id").asText()));
        for (var r : records) {
            JsonNode m = JSON.readTree(r.value());
            assertThat(r.key()).isEqualTo(m.get("modelId").asText());
            assertThat(m.at("/original/sha256").asText()).isEqualTo(sha256(onnx));
            assertThat(m.at("/original/storageKey").asText()).isEqualTo("sha256/" + sha256(onnx));
            assertThat(jobIds).contains(m.get("jobId").asText());
        }
        var baselineEvents = awaitRecords(VariantCreatedEvent.TOPIC, 1,
                j -> model.equals(j.path("modelName").asText()));
        assertThat(baselineEvents).hasSize(1);
        assertThat(JSON.readTree(baselineEvents.get(0).value()).get("variantId").asText())
                .isEqualTo(baseline.get("id").asText());
    }

    @Test
    void backfillPlansANewProfileForExistingVersionsReusingSharedRecipes() throws Exception {
        String model = "planner-backfill";
        int version = upload(model, reluModel("backfill"));
        int before = jobs(model, version).size();
        String profile = "t-backfill";
        String body = """
                {"active":true,"hardware":{"arch":"x86_64","cores":2,"memoryMb":2048,"isaFeatures":["avx2"]},
                 "recipes":["int8-dynamic",{"name":"int8-static","params":{"calibration":"percentile"}}]}""";
        try {
            given().auth().oauth2(key("admin")).contentType("application/json").body(body)
                    .put("/api/v1/device-profiles/{n}", profile).then().statusCode(201);
            // A new profile is not retroactive by itself.
            assertThat(jobs(model, version)).hasSize(before);

            JsonNode result = JSON.readTree(given().auth().oauth2(key("admin"))
                    .post("/api/v1/device-profiles/{n}/backfill", profile).then().statusCode(200)
                    .extract().asString());
            int versions = result.get("versions").asInt();
            assertThat(versions).isGreaterThanOrEqualTo(1);
            // One new recipe per version, int8-dynamic already planned for every version.
            assertThat(result.get("jobsCreated").asInt()).isEqualTo(versions);
            assertThat(result.get("jobsReused").asInt()).isEqualTo(versions);

            JsonNode jobs = jobs(model, version);
            assertThat(jobs).hasSize(before + 1);
            for (JsonNode job : jobs) {
                String label = job.at("/recipe/label").asText();
                List<String> profiles = new ArrayList<>();
                job.get("profiles").forEach(p -> profiles.add(p.asText()));
                if (label.equals("int8-dynamic")) {
                    assertThat(profiles).containsExactly(profile, "x86-server");
                } else if (job.at("/recipe/steps/0/params/calibration").asText().equals("percentile")) {
                    assertThat(profiles).containsExactly(profile);
                } else {
                    assertThat(profiles).doesNotContain(profile);
                }
            }
            JsonNode baseline = variants(model, version).get(0);
            assertThat(baseline.get("profiles")).extracting(JsonNode::asText).contains(profile);
            // The existing baseline now serves the new profile, so it is queued for measurement there (else the
            // profile could never promote anything of this version).
            List<JsonNode> forProfile = benchmarkJobs(model, version, profile);
            assertThat(forProfile).hasSize(1);
            assertThat(forProfile.get(0).get("variantId").asText()).isEqualTo(baseline.get("id").asText());
            assertThat(forProfile.get(0).get("reason").asText()).isEqualTo("profile-added");

            // Running it again plans nothing new and measures nothing twice.
            given().auth().oauth2(key("admin")).post("/api/v1/device-profiles/{n}/backfill", profile)
                    .then().statusCode(200).body("jobsCreated", org.hamcrest.Matchers.equalTo(0));
            assertThat(benchmarkJobs(model, version, profile)).hasSize(1);
        } finally {
            given().auth().oauth2(key("admin")).delete("/api/v1/device-profiles/{n}", profile);
        }
    }

    private static List<JsonNode> benchmarkJobs(String model, int version, String profile) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(given().auth().oauth2(key("reader"))
                        .get("/api/v1/models/{n}/versions/{v}/benchmark-jobs", model, version)
                        .then().statusCode(200).extract().asString())
                .forEach(j -> {
                    if (j.get("deviceProfile").asText().equals(profile)) {
                        out.add(j);
                    }
                });
        return out;
    }

    @Test
    void unknownVersionsAndProfilesAre404() {
        given().auth().oauth2(key("reader")).get("/api/v1/models/{n}/versions/9/jobs", "no-such-model")
                .then().statusCode(404).body("type", org.hamcrest.Matchers.endsWith("/model-not-found"));
        given().auth().oauth2(key("admin")).post("/api/v1/device-profiles/no-such-profile/backfill")
                .then().statusCode(404).body("type", org.hamcrest.Matchers.endsWith("/device-profile-not-found"));
        given().get("/api/v1/models/{n}/versions/1/jobs", "x").then().statusCode(401);
    }
}
