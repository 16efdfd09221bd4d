package dev.modelforge.registry.ownership;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelforge.registry.RegistryTestSupport.Footprint;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Issue 13, ownership: a model belongs to the team that created it; other teams read it but cannot change it. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class OwnershipTest {
    private static final String P = "https://modelforge.dev/problems/";
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
    private static final Map<String, Long> IDS = new ConcurrentHashMap<>();

    /** A key of {@code team} with {@code role}, created once. */
    private static String keyOf(String team, String role) {
        return KEYS.computeIfAbsent(team + "/" + role, k -> {
            var created = given().auth().oauth2(key("admin")).contentType("application/json")
                    .body(Map.of("name", "own-" + team + "-" + role, "role", role, "team", team))
                    .post("/api/v1/api-keys").then().statusCode(201).extract();
            IDS.put(k, ((Number) created.path("key.id")).longValue());
            return created.path("secret");
        });
    }

    private static RequestSpecification as(String team, String role) {
        return given().auth().oauth2(keyOf(team, role));
    }

    private static int upload(String team, String model, String tag) {
        return as(team, "uploader").contentType("application/octet-stream").body(reluModel(tag))
                .post("/api/v1/models/{m}/versions", model).statusCode();
    }

    @Test
    void anotherTeamsUploaderCannotAddAVersionEditOrArchiveButCanRead() {
        String model = "own-fraud";
        assertThat(upload("team-a", model, "own-a1")).isEqualTo(201);
        long aId = IDS.get("team-a/uploader");
        given().auth().oauth2(key("reader")).get("/api/v1/models/{m}/versions/1", model).then().statusCode(200)
                .body("createdBy", equalTo("key:" + aId));
        given().auth().oauth2(key("reader")).get("/api/v1/models/{m}", model).then().statusCode(200)
                .body("owner", equalTo("team-a"));

        Footprint before = Footprint.now();
        as("team-b", "uploader").contentType("application/octet-stream").body(reluModel("own-b1"))
                .post("/api/v1/models/{m}/versions", model).then().statusCode(403)
                .contentType("application/problem+json").body("type", equalTo(P + "not-owner"))
                .body("detail", containsString("team-a")).body("detail", containsString("team-b"));
        as("team-b", "uploader").multiPart("model", "m.onnx", reluModel("own-b2"), "application/octet-stream")
                .post("/api/v1/models/{m}/versions", model).then().statusCode(403)
                .body("type", equalTo(P + "not-owner"));
        assertThat(Footprint.now()).as("nothing written").isEqualTo(before);

        as("team-b", "uploader").contentType("application/json").body(Map.of("description", "mine now"))
                .patch("/api/v1/models/{m}", model).then().statusCode(403).body("type", equalTo(P + "not-owner"));
        as("team-b", "promoter").delete("/api/v1/models/{m}/versions/1", model).then().statusCode(403)
                .body("type", equalTo(P + "not-owner"));
        as("team-b", "uploader").get("/api/v1/models/{m}/versions/1", model).then().statusCode(200);
        as("team-b", "uploader").get("/api/v1/models/{m}/owners", model).then().statusCode(403);
        as("team-b", "uploader").contentType("application/json").body(Map.of("team", "team-b"))
                .post("/api/v1/models/{m}/owners", model).then().statusCode(403).body("type", equalTo(P + "not-owner"));

        // the owner may edit; admin may do anything
        as("team-a", "uploader").contentType("application/json").body(Map.of("description", "fraud v1"))
                .patch("/api/v1/models/{m}", model).then().statusCode(200).body("description", equalTo("fraud v1"));
        given().auth().oauth2(key("admin")).contentType("application/json").body(Map.of("tags", List.of("x")))
                .patch("/api/v1/models/{m}", model).then().statusCode(200);
        assertThat(upload("team-a", model, "own-a2")).isEqualTo(201);

        // archiving: a promoter of an owning team, a version or the whole model
        as("team-b", "promoter").delete("/api/v1/models/{m}", model).then().statusCode(403)
                .body("type", equalTo(P + "not-owner"));
        as("team-a", "promoter").delete("/api/v1/models/{m}/versions/1", model).then().statusCode(200)
                .body("status", equalTo("archived"));
        as("team-a", "promoter").delete("/api/v1/models/{m}", model).then().statusCode(200)
                .body("name", equalTo(model));
        given().auth().oauth2(key("reader")).get("/api/v1/models/{m}/versions", model).then().statusCode(200)
                .body("size()", equalTo(0));
        given().auth().oauth2(key("reader")).queryParam("includeArchived", true)
                .get("/api/v1/models/{m}/versions", model).then().statusCode(200).body("size()", equalTo(2));
    }

    @Test
    void ownersAddAndRemoveTeamsButNeverTheLastOne() {
        String model = "own-shared";
        as("team-c", "uploader").contentType("application/json").body(Map.of("name", model))
                .post("/api/v1/models").then().statusCode(201).body("owner", equalTo("team-c"));
        as("team-c", "reader").get("/api/v1/models/{m}/owners", model).then().statusCode(200)
                .body("owners", equalTo(List.of("team-c")));
        as("team-c", "reader").contentType("application/json").body(Map.of("team", "team-d"))
                .post("/api/v1/models/{m}/owners", model).then().statusCode(403).body("type", equalTo(P + "forbidden"));
        assertThat(upload("team-d", model, "own-d0")).isEqualTo(403);

        as("team-c", "uploader").contentType("application/json").body(Map.of("team", "team-d"))
                .post("/api/v1/models/{m}/owners", model).then().statusCode(201)
                .body("owners", equalTo(List.of("team-c", "team-d")));
        assertThat(upload("team-d", model, "own-d1")).isEqualTo(201);

        as("team-d", "uploader").delete("/api/v1/models/{m}/owners/{t}", model, "team-c").then().statusCode(200)
                .body("owners", equalTo(List.of("team-d")));
        assertThat(upload("team-c", model, "own-c2")).isEqualTo(403);
        as("team-d", "uploader").delete("/api/v1/models/{m}/owners/{t}", model, "team-d").then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(P + "last-owner"));
        given().auth().oauth2(key("admin")).delete("/api/v1/models/{m}/owners/{t}", model, "team-d").then()
                .statusCode(409).body("type", equalTo(P + "last-owner"));
        given().auth().oauth2(key("admin")).delete("/api/v1/models/{m}/owners/{t}", model, "team-zzz").then()
                .statusCode(404);
        given().auth().oauth2(key("admin")).contentType("application/json").body(Map.of("team", "bad team"))
                .post("/api/v1/models/{m}/owners", model).then().statusCode(400);
        given().auth().oauth2(key("admin")).get("/api/v1/models/{m}/owners", "own-no-such").then().statusCode(404);
    }
}
