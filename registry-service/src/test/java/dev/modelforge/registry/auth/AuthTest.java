package dev.modelforge.registry.auth;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.startsWith;

import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class AuthTest {
    private static final String P = "https://modelforge.dev/problems/";

    /** A mutating call and the least role that may make it. */
    record Call(String name, String leastRole, String tooLowRole, Function<RequestSpecification, io.restassured.response.Response> send) {
    }

    private static final List<Call> MUTATIONS = List.of(
            new Call("create model", "uploader", "reader", s -> s.contentType("application/json")
                    .body("{\"name\":\"auth-created\"}").post("/api/v1/models")),
            new Call("patch model", "uploader", "reader", s -> s.contentType("application/json")
                    .body("{\"description\":\"x\"}").patch("/api/v1/models/auth-target")),
            new Call("raw upload", "uploader", "reader", s -> s.contentType("application/octet-stream")
                    .body(reluModel("auth")).post("/api/v1/models/auth-target/versions")),
            new Call("multipart upload", "uploader", "reader", s -> s
                    .multiPart("model", "m.onnx", reluModel("auth"), "application/octet-stream")
                    .post("/api/v1/models/auth-target/versions")),
            new Call("archive version", "promoter", "uploader", s -> s.delete("/api/v1/models/auth-target/versions/1")),
            new Call("create api key", "admin", "promoter", s -> s.contentType("application/json")
                    .body("{\"name\":\"k\",\"role\":\"reader\"}").post("/api/v1/api-keys")));

    @BeforeEach
    void target() {
        given().auth().oauth2(key("admin")).contentType("application/json").body("{\"name\":\"auth-target\"}")
                .post("/api/v1/models").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(201), equalTo(409)));
    }

    @Test
    void everyMutationWithoutKeyIs401() {
        for (Call c : MUTATIONS) {
            c.send().apply(given()).then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", startsWith("Bearer")).body("type", equalTo(P + "unauthorized"));
        }
    }

    @Test
    void everyMutationWithUnknownKeyIs401() {
        for (Call c : MUTATIONS) {
            c.send().apply(given().auth().oauth2("mf_not-a-real-key")).then().statusCode(401)
                    .contentType("application/problem+json").body("type", equalTo(P + "unauthorized"));
        }
    }

    @Test
    void everyMutationWithTooLowARoleIs403() {
        for (Call c : MUTATIONS) {
            c.send().apply(given().auth().oauth2(key(c.tooLowRole()))).then().statusCode(403)
                    .contentType("application/problem+json").body("type", equalTo(P + "forbidden"));
        }
    }

    @Test
    void higherRolesIncludeLowerOnes() {
        given().auth().oauth2(key("admin")).contentType("application/octet-stream").body(reluModel("admin-upload"))
                .post("/api/v1/models/auth-admin/versions").then().statusCode(201);
        given().auth().oauth2(key("promoter")).get("/api/v1/models/auth-admin").then().statusCode(200);
    }

    @Test
    void readsNeedAKey() {
        given().get("/api/v1/models").then().statusCode(401);
        given().auth().oauth2(key("reader")).get("/api/v1/models").then().statusCode(200);
    }

    @Test
    void createdKeyShowsItsSecretOnceAndWorks() {
        String secret = given().auth().oauth2(key("admin")).contentType("application/json")
                .body("{\"name\":\"ci-pipeline\",\"role\":\"uploader\"}").post("/api/v1/api-keys")
                .then().statusCode(201).body("key.role", equalTo("uploader")).body("secret", startsWith("mf_"))
                .extract().path("secret");
        given().auth().oauth2(key("admin")).get("/api/v1/api-keys").then().statusCode(200)
                .body("find { it.name == 'ci-pipeline' }.prefix", equalTo(secret.substring(0, 8)))
                .body("find { it.name == 'ci-pipeline' }.secret", emptyOrNullString());
        Number id = given().auth().oauth2(key("admin")).get("/api/v1/api-keys").then().statusCode(200)
                .extract().path("find { it.name == 'ci-pipeline' }.id");
        // a key created without a team is a team of its own
        given().auth().oauth2(secret).contentType("application/json").body("{\"name\":\"auth-by-new-key\"}")
                .post("/api/v1/models").then().statusCode(201).body("owner", equalTo("key:" + id));
        given().auth().oauth2(key("admin")).contentType("application/json").body("{\"name\":\"x\",\"role\":\"root\"}")
                .post("/api/v1/api-keys").then().statusCode(400).body("type", not(emptyOrNullString()));
    }

    @Test
    void aKeyRevokedInTheDatabaseStopsWorkingWithinTheCacheTtl() {
        String secret = given().auth().oauth2(key("admin")).contentType("application/json")
                .body("{\"name\":\"soon-revoked\",\"role\":\"reader\"}").post("/api/v1/api-keys")
                .then().statusCode(201).extract().path("secret");
        given().auth().oauth2(secret).get("/api/v1/models").then().statusCode(200);

        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() ->
                dev.modelforge.registry.auth.ApiKey.update("revokedAt = ?1 where keyHash = ?2",
                        java.time.Instant.now(), dev.modelforge.registry.auth.ApiKey.hash(secret)));

        // The identity may be served from the cache for at most modelforge.auth.key-cache-ttl (1 s).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
                .pollInterval(java.time.Duration.ofMillis(100))
                .untilAsserted(() -> given().auth().oauth2(secret).get("/api/v1/models").then().statusCode(401));
    }
}
