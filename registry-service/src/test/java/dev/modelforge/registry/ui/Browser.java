package dev.modelforge.registry.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian chromium driven through its chromedriver, offline: no Selenium Manager download, a fresh profile,
 * every background network feature off. Collects the browser console so a test fails on any error it logged.
 */
public final class Browser implements AutoCloseable {
    public static final String CHROMIUM = System.getProperty("modelforge.chromium", "/usr/bin/chromium");
    public static final String CHROMEDRIVER = System.getProperty("modelforge.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profileDir;
    private final Path screenshots;
    private final String base;

    public Browser(String base, Path screenshots) throws IOException {
        assertThat(new File(CHROMIUM).canExecute()).as(CHROMIUM + " (apt-get install chromium chromium-driver)").isTrue();
        assertThat(new File(CHROMEDRIVER).canExecute()).as(CHROMEDRIVER + " (apt-get install chromium-driver)").isTrue();
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.screenshots = Files.createDirectories(screenshots);
        this.profileDir = Files.createTempDirectory("mf-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profileDir, "--window-size=1400,1000");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String path) {
        driver.get(base + path);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /**
     * The text of the first element matching {@code css}, found again if the page's live update replaced it between
     * the find and the read (a {@link StaleElementReferenceException} is a race of the test, not a page fault).
     */
    public String text(String css) {
        return waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    /** An attribute of the first element matching {@code css}, with the same re-find as {@link #text(String)}. */
    public String attribute(String css, String name) {
        return waitUpTo(Duration.ofSeconds(10)).until(d -> String.valueOf(d.findElement(By.cssSelector(css)).getAttribute(name)));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public WebDriverWait waitUpTo(Duration d) {
        WebDriverWait wait = new WebDriverWait(driver, d);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    public void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a full-page PNG as {@code <name>.png} under the screenshot directory. */
    public Path screenshot(String name) throws IOException {
        Long height = (Long) driver.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        Dimension before = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(6000, Math.max(400, height + 120))));
        Path file = screenshots.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        driver.manage().window().setSize(before);
        return file;
    }

    /** Fails if the page logged anything at SEVERE (script errors, failed loads, CSP violations) since last asked. */
    public void assertNoConsoleErrors() {
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::toString).toList();
        assertThat(errors).as("browser console errors on " + driver.getCurrentUrl()).isEmpty();
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profileDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
