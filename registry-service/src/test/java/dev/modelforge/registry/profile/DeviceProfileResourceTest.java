package dev.modelforge.registry.profile;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class DeviceProfileResourceTest {
    private static final String P = "https://modelforge.dev/problems/";
    private static final String BASE = "/api/v1/device-profiles/";

    /** An inactive profile, so that uploads of other tests never plan for it. */
    static String profile(String recipes, String limits, String isa) {
        return """
                {"description":"test","active":false,
                 "hardware":{"arch":"arm64","cores":2,"memoryMb":512,"isaFeatures":%s},
                 "runtime":{"executionProvider":"cpu","intraOpThreads":2,"interOpThreads":1,"graphOptimizationLevel":"all"},
                 "limits":%s,
                 "recipes":%s,
                 "policy":{"constraints":{"maxAccuracyDropPoints":1.0},"objectives":["size"],"mode":"auto"}}
                """.formatted(isa, limits, recipes);
    }

    private static RequestSpecification as(String role) {
        return given().auth().oauth2(key(role)).contentType("application/json");
    }

    @Test
    void seededDefaultsAreReadableByReaders() {
        as("reader").get("/api/v1/device-profiles").then().statusCode(200)
                .body("name", hasItems("x86-server", "arm64-mobile", "iot-1core", "gpu-fp16"));
        as("reader").get(BASE + "x86-server").then().statusCode(200)
                .body("hardware.isaFeatures", hasItems("avx2", "avx512-vnni"))
                .body("recipes.label", contains("int8-dynamic", "int8-static"))
                .body("policy.mode", equalTo("auto"))
                .body("policy.fallbackToBaseline", equalTo(true)) // stated by migration V421: revision 2
                .body("revision", equalTo(2));
        as("reader").get(BASE + "arm64-mobile").then().statusCode(200)
                .body("runtime.intraOpThreads", equalTo(4))
                .body("recipes.label", contains("int8-static", "prune-structured+int8-static"));
        as("reader").get(BASE + "iot-1core").then().statusCode(200)
                .body("hardware.cores", equalTo(1)).body("hardware.memoryMb", equalTo(256))
                .body("limits.maxSizeMb", equalTo(5.0f))
                .body("recipes.label", hasItems("prune-structured+int8-static", "int4-weight-only"));
        as("reader").get(BASE + "gpu-fp16").then().statusCode(200)
                .body("hardware.accelerator", equalTo("cuda")).body("recipes.label", contains("fp16"));
    }

    @Test
    void createUpdateDeleteKeepsAVersionedHistory() {
        String name = "t-crud";
        as("admin").body(profile("[\"int8-dynamic\"]", "{\"maxSizeMb\":10}", "[\"neon\"]")).put(BASE + name)
                .then().statusCode(201).body("name", equalTo(name)).body("revision", equalTo(1))
                .body("active", equalTo(false)).body("updatedAt", notNullValue());
        as("admin").body(profile("[\"int8-dynamic\",{\"name\":\"int8-static\",\"params\":{\"calibration\":\"entropy\"}}]",
                        "{\"maxSizeMb\":20}", "[\"neon\",\"dotprod\"]")).put(BASE + name)
                .then().statusCode(200).body("revision", equalTo(2)).body("limits.maxSizeMb", equalTo(20.0f))
                .body("recipes[1].steps[0].params.calibration", equalTo("entropy"));
        as("reader").get(BASE + name).then().statusCode(200).body("revision", equalTo(2))
                .body("hardware.isaFeatures", contains("neon", "dotprod"));

        as("admin").delete(BASE + name).then().statusCode(204);
        as("reader").get(BASE + name).then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(P + "device-profile-not-found"));
        as("reader").get(BASE + name + "/revisions").then().statusCode(200)
                .body("revision", contains(1, 2, 3)).body("deleted", contains(false, false, true))
                .body("[0].profile.limits.maxSizeMb", equalTo(10.0f))
                .body("[1].changedBy", equalTo(dev.modelforge.registry.RegistryTestSupport.actor("admin")));

        // Re-creating continues the numbering, so revisions stay unique per name.
        as("admin").body(profile("[]", "null", "[]")).put(BASE + name).then().statusCode(201)
                .body("revision", equalTo(4));
        as("admin").delete(BASE + name).then().statusCode(204);
    }

    @Test
    void invalidProfilesAre422AndNothingIsStored() {
        String name = "t-invalid";
        as("admin").body(profile("[\"int3-magic\"]", "null", "[]")).put(BASE + name).then().statusCode(422)
                .contentType("application/problem+json").body("type", equalTo(P + "device-profile-invalid"))
                .body("detail", containsString("unknown recipe 'int3-magic'"));
        as("admin").body(profile("[]", "{\"maxSizeMb\":-1,\"maxP95LatencyMillis\":0}", "[]")).put(BASE + name)
                .then().statusCode(422).body("type", equalTo(P + "device-profile-invalid"))
                .body("detail", allOf(containsString("limits.maxSizeMb must be positive"),
                        containsString("limits.maxP95LatencyMillis must be positive")));
        as("admin").body(profile("[]", "null", "[\"neon\",\"avx1024\"]")).put(BASE + name).then().statusCode(422)
                .body("type", equalTo(P + "device-profile-invalid"))
                .body("detail", containsString("unknown ISA feature 'avx1024'"));
        as("admin").body(profile("[\"fp16\",\"fp16\"]", "null", "[]")).put(BASE + name).then().statusCode(422)
                .body("detail", containsString("listed twice"));
        as("admin").body(profile("[{\"steps\":[\"baseline\",\"fp16\"]}]", "null", "[]")).put(BASE + name)
                .then().statusCode(422).body("detail", containsString("'baseline' cannot be combined"));
        as("admin").body(profile("[]", "null", "[]")).put(BASE + "Bad_Name").then().statusCode(422)
                .body("detail", containsString("must match"));
        as("admin").body("{\"hardware\":{\"arch\":\"sparc\",\"cores\":-2}}").put(BASE + name).then()
                .statusCode(422).body("detail", allOf(containsString("hardware.arch"),
                        containsString("hardware.cores must be positive")));

        as("reader").get(BASE + name).then().statusCode(404);
        as("reader").get(BASE + name + "/revisions").then().statusCode(404);
    }

    @Test
    void onlyAdminsChangeProfilesAndEveryoneNeedsAKey() {
        String body = profile("[]", "null", "[]");
        given().contentType("application/json").body(body).put(BASE + "t-auth").then().statusCode(401)
                .contentType("application/problem+json").body("type", equalTo(P + "unauthorized"));
        given().get("/api/v1/device-profiles").then().statusCode(401);
        given().delete(BASE + "x86-server").then().statusCode(401);
        given().post(BASE + "x86-server/backfill").then().statusCode(401);
        for (String role : new String[] {"reader", "uploader", "promoter"}) {
            as(role).body(body).put(BASE + "t-auth").then().statusCode(403)
                    .body("type", equalTo(P + "forbidden"));
            as(role).delete(BASE + "x86-server").then().statusCode(403);
            as(role).post(BASE + "x86-server/backfill").then().statusCode(403);
        }
        as("reader").get(BASE + "t-auth").then().statusCode(404);
        as("reader").get(BASE + "x86-server").then().statusCode(200);
    }
}
