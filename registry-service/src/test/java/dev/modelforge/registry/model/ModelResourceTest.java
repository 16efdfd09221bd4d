package dev.modelforge.registry.model;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.endsWith;

import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class ModelResourceTest {
    private static final String P = "https://modelforge.dev/problems/";

    private static void create(String body) {
        given().auth().oauth2(key("uploader")).contentType("application/json").body(body).post("/api/v1/models")
                .then().statusCode(201);
    }

    @Test
    void createListFilterAndPatch() {
        given().auth().oauth2(key("uploader")).contentType("application/json")
                .body("{\"name\":\"mrl-fraud\",\"description\":\"fraud\",\"tags\":[\"finance\",\"prod\"]}")
                .post("/api/v1/models").then().statusCode(201)
                .header("Location", endsWith("/api/v1/models/mrl-fraud"))
                .body("owner", equalTo(dev.modelforge.registry.RegistryTestSupport.TEAM)).body("latestVersion", equalTo(0));
        create("{\"name\":\"mrl-churn\",\"tags\":[\"finance\"]}");
        create("{\"name\":\"mrl_under\",\"tags\":[\"vision\"]}");

        given().auth().oauth2(key("reader")).queryParam("prefix", "mrl-").get("/api/v1/models").then().statusCode(200)
                .body("items.name", contains("mrl-churn", "mrl-fraud")).body("total", equalTo(2));
        given().auth().oauth2(key("reader")).queryParam("prefix", "mrl").queryParam("tag", "finance")
                .queryParam("size", 1).queryParam("page", 1).get("/api/v1/models").then().statusCode(200)
                .body("items.name", contains("mrl-fraud")).body("total", equalTo(2)).body("page", equalTo(1));

        given().auth().oauth2(key("uploader")).contentType("application/json")
                .body("{\"description\":\"new\",\"tags\":[\"edge\"]}").patch("/api/v1/models/mrl-churn")
                .then().statusCode(200).body("description", equalTo("new")).body("tags", contains("edge"));
        given().auth().oauth2(key("reader")).get("/api/v1/models/mrl-churn").then().statusCode(200)
                .body("tags", contains("edge"));
    }

    @Test
    void invalidNamesAndDuplicates() {
        for (String name : new String[] {"../x", "Upper", "a".repeat(300), ""}) {
            given().auth().oauth2(key("uploader")).contentType("application/json")
                    .body(java.util.Map.of("name", name)).post("/api/v1/models")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo(P + "invalid-model-name"));
        }
        create("{\"name\":\"mr-dup\"}");
        given().auth().oauth2(key("uploader")).contentType("application/json").body("{\"name\":\"mr-dup\"}")
                .post("/api/v1/models").then().statusCode(409).body("type", equalTo(P + "model-exists"));
        given().auth().oauth2(key("uploader")).contentType("application/json").body("{\"name\":")
                .post("/api/v1/models").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(P + "invalid-request"));
        given().auth().oauth2(key("reader")).queryParam("size", 0).get("/api/v1/models").then().statusCode(400)
                .body("type", equalTo(P + "invalid-request"));
    }

    @Test
    void openApiHealthAndMetricsAreServed() {
        given().auth().oauth2(key("reader")).get("/q/openapi").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'object-storage' }.status", equalTo("UP"));
        given().auth().oauth2(key("reader")).get("/q/metrics").then().statusCode(200);
    }
}
