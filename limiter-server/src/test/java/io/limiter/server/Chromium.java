package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for browser tests: Debian's {@code chromium} and {@code chromium-driver} (which
 * {@code .ci/run} installs), a fresh profile, and never Selenium Manager (nothing is downloaded). Test classes
 * using it carry {@link BrowserTest}, which skips them where the browser is missing unless browser tests are
 * required; {@link #start()} then fails naming what is missing.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /**
     * Selenium logs a WARNING through java.util.logging when it ships no CDP classes for this Chromium's version;
     * the tests use plain WebDriver, never CDP. Held here so the level setting is not garbage-collected.
     */
    private static final List<Logger> QUIET = Stream.of("org.openqa.selenium.devtools.CdpVersionFinder",
                    "org.openqa.selenium.chromium.ChromiumDriver")
            .map(Logger::getLogger).peek(l -> l.setLevel(Level.SEVERE)).toList();

    private final Path profile;
    private final ChromeDriver driver;

    private Chromium() throws IOException {
        assertThat(installed())
                .as("browser tests drive a real Chromium and need %s and %s (Debian packages chromium and "
                        + "chromium-driver: apt-get install -y --no-install-recommends chromium chromium-driver; "
                        + ".ci/run installs them)", BINARY, DRIVER)
                .isTrue();
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        profile = Files.createTempDirectory("dashboard-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    /** Whether Debian's browser and driver are installed. */
    static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /** Starts a browser; {@link #close()} quits it and deletes its profile. */
    static Chromium start() throws IOException {
        return new Chromium();
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
