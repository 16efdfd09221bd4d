package dev.modelforge.registry.ui;

import static dev.modelforge.registry.RegistryTestSupport.ADMIN_KEY;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.variants;
import static dev.modelforge.registry.promotion.PromotionTestSupport.bytes;
import static dev.modelforge.registry.promotion.PromotionTestSupport.finishInt8Job;
import static dev.modelforge.registry.promotion.PromotionTestSupport.postResult;
import static dev.modelforge.registry.promotion.PromotionTestSupport.putProfile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real headless chromium against the registry on the real stack. The test plays the workers through
 * the REST API (as the promotion tests do), so it can decide exactly when a result arrives and watch the page follow
 * it live. The second test reads the first one's model.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final String MODEL = "ui-browser";
    static final String EDGE = "ui-edge";
    static final String STRICT = "ui-strict";

    @TestHTTPResource("/")
    URL base;

    Browser browser;

    @BeforeEach
    void start() throws Exception {
        browser = new Browser(base.toString(), Path.of("target", "screenshots"));
    }

    @AfterEach
    void stop() throws Exception {
        browser.close();
    }

    @Test
    @Order(1)
    void promoterFollowsAnUploadFromTheListToItsChartsPromotesAndRollsBack() throws Exception {
        putProfile(EDGE, "arm64", 4, 2048, List.of("neon"),
                "{\"constraints\":{\"maxAccuracyDropPoints\":1.0},\"objectives\":[\"latency\",\"size\"]}");
        // nothing fits (the int8 artifact here is 10 bytes, so the limit is 1 byte), and no baseline fallback:
        // this profile shows "nothing eligible"
        putProfile(STRICT, "x86_64", 1, 1024, List.of(),
                "{\"constraints\":{\"maxSizeMb\":0.000001},\"fallbackToBaseline\":false}");
        assertThat(upload(MODEL, reluModel("ui-browser-v1"))).isEqualTo(1);
        String base1 = baseline(1);
        String int81 = finishInt8Job(MODEL, 1, bytes("ui-int8-v1"));
        for (String profile : List.of(EDGE, STRICT)) {
            postResult(MODEL, 1, base1, profile, 10, null, 0.95, 1000).statusCode(201);
            postResult(MODEL, 1, int81, profile, 5, 0.5, 0.948, 400).statusCode(201);
        }

        signIn(ADMIN_KEY);
        browser.screenshot("models");
        // the list's cells come from the bulk best-variant read: the same numbers as the model page's
        String row = "//tr[.//a[@href='/ui/models/" + MODEL + "']]";
        assertThat(browser.driver().findElement(By.xpath(row + "/td[@data-profile='" + EDGE + "']")).getText())
                .contains("int8-dynamic (v1)").contains("size ×0.09").contains("latency ×0.50");
        assertThat(browser.driver().findElement(By.xpath(row + "/td[@data-profile='" + STRICT + "']")).getText())
                .isEqualTo("nothing served");
        browser.find("a[data-testid=model-link][href='/ui/models/" + MODEL + "']").click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=model-name]"), MODEL));
        browser.assertNoConsoleErrors();

        // ui-edge promoted the int8 variant: both candidates drawn, the winner ringed
        List<WebElement> edge = browser.all("[data-testid=pareto-" + EDGE + "] g.mark");
        assertThat(edge).extracting(e -> e.getAttribute("data-variant")).containsExactlyInAnyOrder(base1, int81);
        List<WebElement> rings = browser.all("[data-testid=pareto-" + EDGE + "] circle.ring");
        assertThat(rings).hasSize(1);
        assertThat(rings.get(0).findElement(By.xpath("..")).getAttribute("data-variant")).isEqualTo(int81);
        // ui-strict promoted nothing: both drawn, the int8 candidate as rejected with the policy's reason (the
        // baseline is the reference, not a candidate), no ring
        List<WebElement> strict = browser.all("[data-testid=pareto-" + STRICT + "] g.mark");
        assertThat(strict).extracting(e -> e.getAttribute("data-variant")).containsExactlyInAnyOrder(base1, int81);
        assertThat(browser.all("[data-testid=pareto-" + STRICT + "] circle.ring")).isEmpty();
        WebElement rejected = browser.find("[data-testid=pareto-" + STRICT + "] g.mark[data-variant='" + int81 + "']");
        assertThat(rejected.getAttribute("class")).contains("rejected");
        assertThat(rejected.findElement(By.tagName("title")).getAttribute("textContent")).contains("rejected:")
                .contains("size");
        assertThat(browser.find("[data-testid=pareto-" + STRICT + "] g.mark[data-variant='" + base1 + "']")
                .getAttribute("class")).contains("baseline").doesNotContain("rejected");
        // keyboard: a focused mark shows its description as text
        browser.driver().executeScript("arguments[0].focus()", rejected);
        assertThat(browser.text("[data-testid=pareto-" + STRICT + "] .focus-detail")).contains("rejected:");
        assertThat(browser.text("tr[data-profile=" + STRICT + "]")).contains("nothing eligible");
        browser.screenshot("model");

        // promote the baseline by hand, then roll back: the timeline shows both, newest first
        new Select(browser.find("form[data-testid=promote-" + EDGE + "] select[name=variantId]")).selectByValue(base1);
        browser.find("form[data-testid=promote-" + EDGE + "] input[name=reason]").sendKeys("browser test: prefer the original");
        browser.find("form[data-testid=promote-" + EDGE + "] button").click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=flash]")));
        String newest = "[data-testid=timeline] li";
        assertThat(browser.attribute(newest, "data-kind")).isEqualTo("manual");
        assertThat(browser.text(newest)).contains("browser test: prefer the original").contains("baseline");
        assertThat(browser.text("tr[data-profile=" + EDGE + "]")).contains("baseline");
        browser.find("form[data-testid=rollback-" + EDGE + "] input[name=reason]").sendKeys("browser test: back to int8");
        browser.find("form[data-testid=rollback-" + EDGE + "] button").click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-testid=flash]"), "rolled back"));
        assertThat(browser.attribute(newest, "data-kind")).isEqualTo("rollback");
        assertThat(browser.text(newest)).contains("browser test: back to int8");
        assertThat(browser.text("tr[data-profile=" + EDGE + "]")).contains("int8-dynamic");
        browser.assertNoConsoleErrors();
        browser.screenshot("model-after-rollback");

        // a second upload, followed live on its version page while the "workers" report
        assertThat(upload(MODEL, reluModel("ui-browser-v2"))).isEqualTo(2);
        browser.open("/ui/models/" + MODEL);
        browser.find("[data-testid=versions] a[href$='/versions/2']").click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid=decision-" + EDGE + "]")));
        assertThat(browser.text("[data-testid=decision-" + EDGE + "]")).isEqualTo("pending");
        browser.driver().executeScript("window.sameDocument = true");
        String base2 = baseline(2);
        String int82 = finishInt8Job(MODEL, 2, bytes("ui-int8-v2"));
        postResult(MODEL, 2, base2, EDGE, 10, null, 0.95, 1000).statusCode(201);
        browser.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-profile=" + EDGE + "]"), "1/2"));
        postResult(MODEL, 2, int82, EDGE, 4, 0.4, 0.949, 380).statusCode(201);
        browser.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.not(ExpectedConditions.textToBe(
                By.cssSelector("[data-testid=decision-" + EDGE + "]"), "pending")));
        // v2 would replace v1's champion and neither carries an eval set both share: the champion gate asks a person
        assertThat(browser.text("[data-testid=decision-" + EDGE + "]")).startsWith("pending_approval");
        assertThat(browser.text("tr[data-profile=" + EDGE + "]")).contains("2/2");
        assertThat(browser.driver().executeScript("return window.sameDocument")).as("updated live, not reloaded")
                .isEqualTo(true);
        browser.assertNoConsoleErrors();
        browser.screenshot("version-live");

        browser.open("/ui/models/" + MODEL + "/versions/1");
        assertThat(browser.all("[data-testid=variants] a[href$='/download']")).hasSize(variants(MODEL, 1).size());
        assertThat(browser.text("[data-testid=variants]")).contains(sha(base1));
        assertThat(browser.text("[data-testid=benchmarks]")).contains("emulated").contains("test cpu");
        browser.assertNoConsoleErrors();
        browser.screenshot("version");
        browser.open("/ui/profiles");
        browser.screenshot("profiles");
        browser.open("/ui/profiles/" + EDGE);
        // revisions record the actor as its key id (key:<id>), never a name that could be reused
        assertThat(browser.text("[data-testid=revisions]")).containsPattern("key:\\d+");
        browser.assertNoConsoleErrors();
        browser.screenshot("profile");

        // the keyboard's first stop is the skip link
        browser.open("/ui");
        new org.openqa.selenium.interactions.Actions(browser.driver()).sendKeys(Keys.TAB).perform();
        assertThat(browser.driver().switchTo().activeElement().getAttribute("class")).isEqualTo("skip");

        // a phone: nothing wider than the screen but the tables' own scroll boxes
        browser.size(390, 844);
        browser.open("/ui/models/" + MODEL);
        assertThat((Long) browser.driver().executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")).isLessThanOrEqualTo(0L);
        browser.screenshot("model-phone");
        browser.assertNoConsoleErrors();
    }

    @Test
    @Order(2)
    void aReaderSeesNoButtonsAndAWrongKeyIsExplained() throws Exception {
        browser.open("/ui/login");
        browser.find("input[name=apiKey]").sendKeys("mf_wrong-key");
        browser.find("form button").click();
        // the refused sign-in is a new page: wait for it rather than read the form it replaces
        browser.waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid=login-error]")));
        assertThat(browser.text("[data-testid=login-error]")).contains("Unknown API key");
        browser.screenshot("login-refused");
        // the 401 answer of a refused sign-in is logged by the browser as a failed load; that one is expected
        browser.driver().manage().logs().get("browser");

        signIn(key("reader"));
        browser.open("/ui/models/" + MODEL);
        assertThat(browser.text("[data-testid=role]")).isEqualTo("reader");
        assertThat(browser.all("form[action$='/promote'], form[action$='/rollback'], form[action$='/approve'], "
                + "form[action$='/reject']")).isEmpty();
        assertThat(browser.all("button")).extracting(WebElement::getText).containsOnly("Sign out");
        browser.assertNoConsoleErrors();
        browser.screenshot("model-reader");

        browser.open("/ui/models/no-such-model");
        assertThat(browser.text("[data-testid=error-page]")).contains("404").contains("no-such-model");
        browser.screenshot("not-found");
        browser.driver().manage().logs().get("browser"); // the 404 status itself is logged as a failed load
    }

    /** Dark or light follows the system's preference, emulated through the DevTools protocol. */
    @Test
    @Order(3)
    void theDarkSchemeFollowsTheSystem() throws Exception {
        signIn(key("reader"));
        browser.open("/ui/models/" + MODEL);
        prefer("light");
        String light = background();
        prefer("dark");
        String dark = background();
        browser.screenshot("model-dark");
        assertThat(dark).isEqualTo("rgb(17, 20, 24)"); // --bg of the dark scheme, #111418
        assertThat(light).isEqualTo("rgb(255, 255, 255)"); // --bg of the light one
        browser.assertNoConsoleErrors();
    }

    private void prefer(String scheme) {
        browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    private String background() {
        return (String) browser.driver().executeScript(
                "return getComputedStyle(document.body).backgroundColor");
    }

    /** Last: our profiles must not leak into other test classes' plans (RestAssured is not set up in @AfterAll). */
    @Test
    @Order(4)
    void removeOurProfiles() {
        for (String p : List.of(EDGE, STRICT)) {
            dev.modelforge.registry.promotion.PromotionTestSupport.as("admin")
                    .delete("/api/v1/device-profiles/{name}", p).then().statusCode(204);
        }
    }

    private void signIn(String key) {
        browser.open("/ui/login");
        browser.assertNoConsoleErrors();
        browser.find("input[name=apiKey]").sendKeys(key);
        browser.find("form button").click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid=models]")));
    }

    private static String baseline(int version) throws Exception {
        for (JsonNode v : variants(MODEL, version)) {
            if (v.get("recipe").toString().contains("baseline")) {
                return v.get("id").asText();
            }
        }
        throw new AssertionError("no baseline variant for v" + version);
    }

    private static String sha(String variantId) throws Exception {
        for (JsonNode v : variants(MODEL, 1)) {
            if (v.get("id").asText().equals(variantId)) {
                return v.get("sha256").asText();
            }
        }
        throw new AssertionError(variantId);
    }
}
