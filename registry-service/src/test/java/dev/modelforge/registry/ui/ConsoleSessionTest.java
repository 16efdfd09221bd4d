package dev.modelforge.registry.ui;

import static dev.modelforge.registry.RegistryTestSupport.ADMIN_KEY;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import dev.modelforge.registry.auth.ApiKey;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sign-in, sessions, CSRF and the error pages of the console, over plain HTTP against the real stack. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class ConsoleSessionTest {
    static final String MODEL = "ui-session";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @BeforeEach
    void seed() {
        if (given().auth().oauth2(ADMIN_KEY).get("/api/v1/models/{m}", MODEL).statusCode() == 404) {
            upload(MODEL, reluModel("ui-session-v1"));
        }
    }

    static String signIn(String apiKey) {
        Response r = given().redirects().follow(false).formParam("apiKey", apiKey).post("/ui/login");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.header("Location")).endsWith("/ui");
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie).contains(Sessions.COOKIE + "=").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/ui").containsIgnoringCase("Max-Age=");
        return r.cookie(Sessions.COOKIE);
    }

    static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("page has a CSRF field").isTrue();
        return m.group(1);
    }

    @Test
    void withoutSessionPagesSendToSignIn() {
        given().redirects().follow(false).get("/ui").then().statusCode(303)
                .header("Location", containsString("/ui/login"));
        given().redirects().follow(false).cookie(Sessions.COOKIE, "forged").get("/ui/models/{m}", MODEL).then()
                .statusCode(303).header("Location", containsString("/ui/login?reason=expired"));
        given().get("/ui/login").then().statusCode(200).body(containsString("name=\"apiKey\""));
    }

    @Test
    void wrongOrRevokedKeyShowsTheReasonOnTheForm() {
        given().formParam("apiKey", "mf_not-a-key").post("/ui/login").then().statusCode(401)
                .body(containsString("Unknown API key")).body(containsString("name=\"apiKey\""));
        String revoked = given().auth().oauth2(ADMIN_KEY).contentType("application/json")
                .body(java.util.Map.of("name", "ui-revoked", "role", "reader")).post("/api/v1/api-keys")
                .then().statusCode(201).extract().path("secret");
        QuarkusTransaction.requiringNew().run(() -> ApiKey.update("revokedAt = ?1 where keyHash = ?2", Instant.now(),
                ApiKey.hash(revoked)));
        given().formParam("apiKey", revoked).post("/ui/login").then().statusCode(401)
                .body(containsString("was revoked"));
    }

    @Test
    void expiredKeyShowsTheReasonAndEndsItsSessions() {
        String expiring = given().auth().oauth2(ADMIN_KEY).contentType("application/json")
                .body(java.util.Map.of("name", "ui-expiring", "role", "reader")).post("/api/v1/api-keys")
                .then().statusCode(201).extract().path("secret");
        String session = signIn(expiring);
        given().cookie(Sessions.COOKIE, session).redirects().follow(false).get("/ui").then().statusCode(200);
        QuarkusTransaction.requiringNew().run(() -> ApiKey.update("expiresAt = ?1 where keyHash = ?2",
                Instant.now().minusSeconds(1), ApiKey.hash(expiring)));
        given().formParam("apiKey", expiring).post("/ui/login").then().statusCode(401)
                .body(containsString("expired at")).body(containsString("name=\"apiKey\""));
        given().cookie(Sessions.COOKIE, session).redirects().follow(false).get("/ui").then()
                .statusCode(org.hamcrest.Matchers.not(200));
    }

    @Test
    void aSessionShowsPagesAndTheApiIgnoresItsCookie() {
        String session = signIn(key("reader"));
        given().cookie(Sessions.COOKIE, session).get("/ui").then().statusCode(200)
                .body(containsString("/ui/models/" + MODEL)).header("Content-Security-Policy", containsString("default-src 'self'"));
        given().cookie(Sessions.COOKIE, session).get("/ui/models/{m}", MODEL).then().statusCode(200)
                .body(containsString("data-testid=\"pareto-")).body(not(containsString("/promote\"")));
        given().cookie(Sessions.COOKIE, session).get("/ui/models/{m}/versions/1", MODEL).then().statusCode(200)
                .body(containsString("data-testid=\"progress\""));
        given().cookie(Sessions.COOKIE, session).get("/ui/profiles").then().statusCode(200)
                .body(containsString("/ui/profiles/x86-server"));
        given().cookie(Sessions.COOKIE, session).get("/ui/profiles/x86-server").then().statusCode(200)
                .body(containsString("Revision history"));
        // the cookie authenticates the console only: the REST API still wants a bearer key
        given().cookie(Sessions.COOKIE, session).get("/api/v1/models").then().statusCode(401);
    }

    @Test
    void unknownModelIsAFriendly404Page() {
        String session = signIn(key("reader"));
        given().cookie(Sessions.COOKIE, session).get("/ui/models/no-such-model").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("data-testid=\"error-page\""))
                .body(containsString("no-such-model")).body(containsString("Back to the models"));
        given().cookie(Sessions.COOKIE, session).get("/ui/models/{m}/versions/99", MODEL).then().statusCode(404)
                .body(containsString("data-testid=\"error-page\""));
    }

    @Test
    void formsWithoutTheSessionsCsrfTokenAreRefused() {
        String session = signIn(ADMIN_KEY);
        String page = given().cookie(Sessions.COOKIE, session).get("/ui/models/{m}", MODEL).then().statusCode(200)
                .extract().asString();
        String token = csrfOf(page);
        long before = promotions();
        given().cookie(Sessions.COOKIE, session).formParam("device", "x86-server").formParam("reason", "r")
                .post("/ui/models/{m}/rollback", MODEL).then().statusCode(403).body(containsString("CSRF"));
        given().cookie(Sessions.COOKIE, session).formParam("csrf", token + "x").formParam("device", "x86-server")
                .formParam("reason", "r").post("/ui/models/{m}/rollback", MODEL).then().statusCode(403);
        // another session's token is no good either
        String other = csrfOf(given().cookie(Sessions.COOKIE, signIn(ADMIN_KEY)).get("/ui").then().extract().asString());
        assertThat(other).isNotEqualTo(token);
        given().cookie(Sessions.COOKIE, session).formParam("csrf", other).formParam("device", "x86-server")
                .formParam("reason", "r").post("/ui/models/{m}/rollback", MODEL).then().statusCode(403);
        given().cookie(Sessions.COOKIE, session).formParam("csrf", "x")
                .post("/ui/logout").then().statusCode(403);
        assertThat(promotions()).isEqualTo(before);
        // with the token the API's own answer comes back to the page (nothing to roll back to)
        given().redirects().follow(false).cookie(Sessions.COOKIE, session).formParam("csrf", token)
                .formParam("device", "x86-server").formParam("reason", "r").post("/ui/models/{m}/rollback", MODEL)
                .then().statusCode(303).header("Location", containsString("error="));
    }

    @Test
    void readersCannotActEvenWithAValidToken() {
        String session = signIn(key("reader"));
        String token = csrfOf(given().cookie(Sessions.COOKIE, session).get("/ui").then().extract().asString());
        given().cookie(Sessions.COOKIE, session).formParam("csrf", token).formParam("device", "x86-server")
                .formParam("reason", "r").post("/ui/models/{m}/rollback", MODEL).then().statusCode(403)
                .body(containsString("reader"));
    }

    @Test
    void signOutAndExpiryEndTheSession() {
        String session = signIn(key("reader"));
        String token = csrfOf(given().cookie(Sessions.COOKIE, session).get("/ui").then().extract().asString());
        given().redirects().follow(false).cookie(Sessions.COOKIE, session).formParam("csrf", token).post("/ui/logout")
                .then().statusCode(303).header("Set-Cookie", containsString("Max-Age=0"));
        given().redirects().follow(false).cookie(Sessions.COOKIE, session).get("/ui").then().statusCode(303)
                .header("Location", containsString("reason=expired"));

        String expiring = signIn(key("reader"));
        QuarkusTransaction.requiringNew().run(() -> UiSession.update("expiresAt = ?1 where idHash = ?2",
                Instant.now().minusSeconds(1), ApiKey.hash(expiring)));
        given().redirects().follow(false).cookie(Sessions.COOKIE, expiring).get("/ui").then().statusCode(303)
                .header("Location", containsString("reason=expired"));
    }

    @Test
    void signInFromAnotherSiteIsRefused() {
        given().header("Origin", "https://evil.example").formParam("apiKey", ADMIN_KEY).post("/ui/login").then()
                .statusCode(403).header("Set-Cookie", org.hamcrest.Matchers.nullValue());
    }

    private static long promotions() {
        return QuarkusTransaction.requiringNew().call(() -> dev.modelforge.registry.promotion.PromotionEntity.count());
    }
}
