package dev.modelforge.registry.ui;

import static dev.modelforge.registry.RegistryTestSupport.ADMIN_KEY;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.auth.ApiKey;
import dev.modelforge.registry.auth.ApiKeyIdentityProvider;
import dev.modelforge.registry.promotion.BestVariantCache;
import dev.modelforge.registry.ui.Views.Chrome;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * How many SQL statements the console's pages issue: the models list must not grow with the number of models it
 * lists (no statement per model or per model x profile), and neither must a model's pages with its versions. A
 * behavioural guard on the bulk reads, not a timing assertion. Counts the statements the page's view builders and
 * template issue on the calling thread; the session lookup before them is one more, the same for every page.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class ConsoleQueryCountTest {
    private static final String PREFIX = "uiq-";
    private static final Chrome READER = new Chrome("test-reader", "reader", "csrf", false, false);
    private static final Chrome PROMOTER = new Chrome("test-promoter", "promoter", "csrf", true, false);

    @Inject
    ModelViews models;

    @Inject
    VersionViews versions;

    @Inject
    BestVariantCache best;

    @Inject
    ServedSummaries summaries;

    @Inject
    CurrentIdentityAssociation identities;

    @Test
    void theModelsListIssuesTheSameStatementsFor2And12Models() {
        seed(0, 2);
        SqlCounter.Recorded<String> two = coldList();
        assertThat(two.value()).contains(PREFIX + "00", PREFIX + "01").doesNotContain(PREFIX + "02");
        seed(2, 12);
        SqlCounter.Recorded<String> twelve = coldList();
        assertThat(twelve.value()).contains(PREFIX + "00", PREFIX + "11");
        assertThat(twelve.count()).as("statements for 12 models: %s", twelve.statements()).isEqualTo(two.count());
        assertThat(twelve.count()).as("statements: %s", twelve.statements()).isLessThanOrEqualTo(12);
        print("models list, cold, 12 models", twelve);
        print("models list, warm, 12 models", asAdmin(() -> ConsolePages.Templates.models(
                models.list(READER, PREFIX, null)).render()));
    }

    private SqlCounter.Recorded<String> coldList() {
        coldCaches();
        return asAdmin(() -> ConsolePages.Templates.models(models.list(READER, PREFIX, null)).render());
    }

    /** The worst case: nothing in memory, every bulk read happens. */
    private void coldCaches() {
        best.invalidateAll();
        summaries.invalidateAll();
    }

    /**
     * Runs a page's view builder on this thread as the bootstrap admin (the resources it calls check roles), in a
     * request context of its own, and records its statements.
     */
    private <T> SqlCounter.Recorded<T> asAdmin(Supplier<T> page) {
        SecurityIdentity admin = QuarkusTransaction.requiringNew().call(() -> ApiKeyIdentityProvider.identityOf(
                ApiKey.findActiveByHash(ApiKey.hash(ADMIN_KEY), Instant.now()).orElseThrow()));
        ManagedContext requests = Arc.container().requestContext();
        requests.activate();
        try {
            identities.setIdentity(admin);
            return SqlCounter.record(page);
        } finally {
            requests.terminate();
        }
    }

    @Test
    void aModelsPagesDoNotGrowWithItsVersions() {
        String model = "uiq2-versions"; // not under PREFIX: the list test counts its own models
        seedVersions(model, 2);
        coldCaches();
        var model2 = asAdmin(() -> ConsolePages.Templates.model(models.model(PROMOTER, model, null, null))
                .render());
        coldCaches();
        var version2 = asAdmin(() -> versions.version(READER, model, 2));
        seedVersions(model, 6);
        coldCaches();
        var model6 = asAdmin(() -> ConsolePages.Templates.model(models.model(PROMOTER, model, null, null))
                .render());
        coldCaches();
        var version6 = asAdmin(() -> versions.version(READER, model, 6));
        print("model page, 2 versions", model2);
        print("model page, 6 versions", model6);
        print("version page, 2 versions", version2);
        print("version page, 6 versions", version6);
        // what a request costs once the console's caches hold the model (the usual case, printed for the README)
        print("model page, 6 versions, cached", asAdmin(() -> ConsolePages.Templates.model(
                models.model(PROMOTER, model, null, null)).render()));
        print("version page, 6 versions, cached", asAdmin(() -> versions.version(READER, model, 6)));
        assertThat(model6.value()).contains("data-testid=\"pareto-x86-server\"", "/versions/6\"");
        assertThat(model6.count()).as("statements: %s", model6.statements()).isEqualTo(model2.count());
        assertThat(version6.count()).as("statements: %s", version6.statements()).isEqualTo(version2.count());
        var profiles = asAdmin(() -> versions.profiles(READER));
        var profile = asAdmin(() -> versions.profile(READER, "x86-server"));
        print("profiles", profiles);
        print("profile", profile);
    }

    private static void seed(int from, int to) {
        for (int m = from; m < to; m++) {
            String name = String.format(Locale.ROOT, "%s%02d", PREFIX, m);
            upload(name, reluModel(name));
            String baseline = given().auth().oauth2(ADMIN_KEY).get("/api/v1/models/{m}/versions/1/variants", name)
                    .then().statusCode(200).extract().path("[0].id");
            given().auth().oauth2(ADMIN_KEY).contentType("application/json")
                    .body(Map.of("device", "x86-server", "variantId", baseline, "reason", "query count"))
                    .post("/api/v1/models/{m}/promotions", name).then().statusCode(201);
        }
    }

    private static void seedVersions(String model, int upTo) {
        int have = given().auth().oauth2(ADMIN_KEY).get("/api/v1/models/{m}", model).statusCode() == 404 ? 0
                : given().auth().oauth2(ADMIN_KEY).get("/api/v1/models/{m}", model).then().extract()
                .<Integer>path("latestVersion");
        for (int v = have + 1; v <= upTo; v++) {
            given().auth().oauth2(ADMIN_KEY).contentType("application/octet-stream")
                    .body(reluModel(model + "-" + v)).queryParam("allowSignatureChange", true)
                    .post("/api/v1/models/{name}/versions", model).then().statusCode(201);
        }
    }

    private static void print(String what, SqlCounter.Recorded<?> r) {
        System.out.printf(Locale.ROOT, "[sql] %-32s %3d statements%n", what, r.count());
        List<String> s = r.statements();
        s.forEach(q -> System.out.println("[sql]    " + q));
    }
}
