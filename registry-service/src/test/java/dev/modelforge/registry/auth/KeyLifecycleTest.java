package dev.modelforge.registry.auth;

import static dev.modelforge.registry.RegistryTestSupport.actor;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Issue 13, keys: revocation, rotation, expiry, unique names, creator, the bootstrap key. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class KeyLifecycleTest {
    private static final String P = "https://modelforge.dev/problems/";

    @Inject
    ApiKeyService service;

    private static ExtractableResponse<Response> create(Map<String, Object> body) {
        return given().auth().oauth2(key("admin")).contentType("application/json").body(body)
                .post("/api/v1/api-keys").then().statusCode(201).extract();
    }

    private static int status(String secret) {
        return given().auth().oauth2(secret).get("/api/v1/models").statusCode();
    }

    @Test
    void aRevokedKeyFailsAtOnceOnThisReplicaAndStaysListedNowhere() {
        var created = create(Map.of("name", "kl-revoked", "role", "reader"));
        String secret = created.path("secret");
        long id = ((Number) created.path("key.id")).longValue();
        assertThat(status(secret)).isEqualTo(200); // now cached
        given().auth().oauth2(key("uploader")).delete("/api/v1/api-keys/{id}", id).then().statusCode(403)
                .contentType("application/problem+json").body("type", equalTo(P + "forbidden"));
        given().auth().oauth2(key("admin")).delete("/api/v1/api-keys/{id}", id).then().statusCode(204);
        // the revoking replica forgets the cached identity: no wait at all (other replicas: the 1 s cache bound)
        given().auth().oauth2(secret).get("/api/v1/models").then().statusCode(401)
                .contentType("application/problem+json").body("type", equalTo(P + "unauthorized"));
        given().auth().oauth2(key("admin")).get("/api/v1/api-keys").then().statusCode(200)
                .body("find { it.id == " + id + " }", equalTo(null));
        given().auth().oauth2(key("admin")).delete("/api/v1/api-keys/{id}", id).then().statusCode(204);
        given().auth().oauth2(key("admin")).delete("/api/v1/api-keys/{id}", 987654321).then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo(P + "api-key-not-found"));
    }

    @Test
    void namesAreUniqueAmongActiveKeysAndTheCreatorIsRecorded() {
        var first = create(Map.of("name", "kl-dup", "role", "reader", "team", "team-x"));
        assertThat((String) first.path("key.createdBy")).isEqualTo(actor("admin"));
        assertThat((String) first.path("key.team")).isEqualTo("team-x");
        given().auth().oauth2(key("admin")).contentType("application/json")
                .body(Map.of("name", "kl-dup", "role", "uploader")).post("/api/v1/api-keys").then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(P + "api-key-exists"))
                .body("detail", containsString("kl-dup"));
        given().auth().oauth2(key("admin")).contentType("application/json")
                .body(Map.of("name", "bootstrap-admin", "role", "admin")).post("/api/v1/api-keys").then()
                .statusCode(400).body("type", equalTo(P + "invalid-request"));
        given().auth().oauth2(key("admin")).contentType("application/json")
                .body(Map.of("name", "kl-bad-team", "role", "reader", "team", "no spaces")).post("/api/v1/api-keys")
                .then().statusCode(400).body("detail", containsString("team"));
        // once revoked, the name is free again
        given().auth().oauth2(key("admin")).delete("/api/v1/api-keys/{id}", ((Number) first.path("key.id")).longValue())
                .then().statusCode(204);
        create(Map.of("name", "kl-dup", "role", "reader"));
    }

    @Test
    void rotationGivesANewSecretAndTheOldOneWorksForTheGracePeriod() {
        var created = create(Map.of("name", "kl-rotated", "role", "reader"));
        String old = created.path("secret");
        long id = ((Number) created.path("key.id")).longValue();
        var rotated = given().auth().oauth2(key("admin")).contentType("application/json").body(Map.of())
                .post("/api/v1/api-keys/{id}/rotate", id).then().statusCode(200)
                .body("key.id", equalTo((int) id)).body("key.rotatedAt", notNullValue())
                .body("key.previousValidUntil", notNullValue()).extract();
        String next = rotated.path("secret");
        assertThat(next).isNotEqualTo(old);
        Instant until = Instant.parse(rotated.path("key.previousValidUntil"));
        assertThat(until).isAfter(Instant.now().plus(Duration.ofHours(23)));
        assertThat(status(old)).as("old secret within the grace period").isEqualTo(200);
        assertThat(status(next)).isEqualTo(200);

        // a leaked secret: rotate without grace, and the old one stops at once
        String third = given().auth().oauth2(key("admin")).contentType("application/json")
                .body(Map.of("graceSeconds", 0)).post("/api/v1/api-keys/{id}/rotate", id).then().statusCode(200)
                .extract().path("secret");
        assertThat(status(next)).isEqualTo(401);
        assertThat(status(old)).isEqualTo(401);
        assertThat(status(third)).isEqualTo(200);
        given().auth().oauth2(key("admin")).contentType("application/json").body(Map.of("graceSeconds", 999_999_999))
                .post("/api/v1/api-keys/{id}/rotate", id).then().statusCode(400)
                .body("detail", containsString("graceSeconds"));
        given().auth().oauth2(key("admin")).contentType("application/json").body(Map.of())
                .post("/api/v1/api-keys/{id}/rotate", 987654321).then().statusCode(404)
                .body("type", equalTo(P + "api-key-not-found"));
    }

    @Test
    void anExpiredKeyFails() {
        given().auth().oauth2(key("admin")).contentType("application/json")
                .body(Map.of("name", "kl-past", "role", "reader", "expiresAt", "2020-01-01T00:00:00Z"))
                .post("/api/v1/api-keys").then().statusCode(400).body("detail", containsString("expiresAt"));
        String secret = create(Map.of("name", "kl-expiring", "role", "reader",
                "expiresAt", Instant.now().plusSeconds(2).toString())).path("secret");
        assertThat(status(secret)).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(secret) == 401);
        given().auth().oauth2(secret).get("/api/v1/models").then().statusCode(401)
                .contentType("application/problem+json").body("type", equalTo(P + "unauthorized"));
    }

    @Test
    void aShortBootstrapKeyIsRefused() {
        assertThatThrownBy(() -> ApiKeyService.requireStrongBootstrapKey("change-me"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32");
        ApiKeyService.requireStrongBootstrapKey("x".repeat(32));
    }

    @Test
    void aChangedBootstrapKeyRetiresThePreviousOne() {
        String first = "kl-bootstrap-first-0123456789abcdefghij";
        String second = "kl-bootstrap-second-0123456789abcdefghij";
        service.registerBootstrap("kl-bootstrap", first);
        assertThat(status(first)).isEqualTo(200);
        service.registerBootstrap("kl-bootstrap", first); // unchanged: nothing happens
        assertThat(status(first)).isEqualTo(200);
        service.registerBootstrap("kl-bootstrap", second);
        assertThat(status(second)).isEqualTo(200);
        assertThat(status(first)).isEqualTo(401);
        long active = QuarkusTransaction.requiringNew().call(() ->
                ApiKey.count("name = ?1 and revokedAt is null", "kl-bootstrap"));
        assertThat(active).isEqualTo(1);
        assertThatThrownBy(() -> service.registerBootstrap("kl-bootstrap", "too-short"))
                .hasMessageContaining("at least 32");
    }
}
