package dev.modelforge.registry.auth;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Issue 13 point 9: metrics and the API description need a key; readiness tells anonymous callers only UP/DOWN. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class OpsEndpointsTest {

    @Test
    void metricsAndApiDescriptionNeedAKey() {
        for (String path : new String[] {"/q/metrics", "/q/openapi", "/q/swagger-ui/"}) {
            given().redirects().follow(false).get(path).then().statusCode(401);
            given().redirects().follow(false).auth().oauth2("mf_not-a-key").get(path).then().statusCode(401);
        }
        given().auth().oauth2(key("reader")).get("/q/metrics").then().statusCode(200);
        given().auth().oauth2(key("worker")).get("/q/openapi").then().statusCode(200);
    }

    @Test
    void readinessRevealsNoHostsBucketsOrErrorsToAnonymousCallers() {
        String body = given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'object-storage' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'database' }.status", equalTo("UP"))
                .extract().asString();
        var config = ConfigProvider.getConfig();
        String s3Host = URI.create(config.getValue("modelforge.storage.endpoint", String.class)).getHost();
        String jdbc = config.getValue("quarkus.datasource.jdbc.url", String.class);
        // Only the outbox check carries data: the count of parked events, nothing about hosts or errors.
        given().get("/q/health/ready").then()
                .body("checks.findAll { it.name != 'outbox' }.data.flatten().findAll { it != null }", empty())
                .body("checks.find { it.name == 'outbox' }.data.keySet()", everyItem(equalTo("parkedEvents")));
        assertThat(body).doesNotContain("error").doesNotContain("Exception")
                .doesNotContain(s3Host)
                .doesNotContain(config.getValue("modelforge.storage.bucket", String.class))
                .doesNotContain(jdbc.substring(jdbc.indexOf("//") + 2, jdbc.lastIndexOf('/')));
    }
}
