package dev.modelforge.registry.auth;

import static io.restassured.RestAssured.given;

import dev.modelforge.localstack.LocalStackTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The in-memory key table: unknown tokens are refused, and a key written by another replica (straight into the
 * database, after this replica has refused it as unknown) works within the 1 s bound.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class ApiKeyTableTest {

    @Inject
    AgroalDataSource db;

    @Test
    void aKeySeenUnknownWorksWithinTheBoundOnceAnotherReplicaCreatesIt() throws Exception {
        String secret = "mf_other-replica-" + UUID.randomUUID();
        given().auth().oauth2(secret).get("/api/v1/models").then().statusCode(401);
        given().auth().oauth2(secret).get("/api/v1/models").then().statusCode(401);

        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "insert into api_key (name, prefix, key_hash, role, created_at) values (?, ?, ?, 'READER', now())")) {
            s.setString(1, "other-replica");
            s.setString(2, ApiKey.prefixOf(secret));
            s.setString(3, ApiKey.hash(secret));
            s.executeUpdate();
        }
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> given().auth().oauth2(secret).get("/api/v1/models").then().statusCode(200));
        given().auth().oauth2(secret).contentType("application/json").body("{\"name\":\"x\",\"role\":\"reader\"}")
                .post("/api/v1/api-keys").then().statusCode(403);
    }

    @Test
    void manyRandomTokensAreRefused() {
        for (int i = 0; i < 200; i++) {
            given().auth().oauth2("random-" + UUID.randomUUID()).get("/api/v1/models").then().statusCode(401);
        }
    }
}
