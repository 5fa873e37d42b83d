package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard under issue #15's hardening, in a real Chromium: it works under the Content-Security-Policy, keeps a
 * stored admin token out of the stream URL while reads are open, and names a limit whose data cannot be read while
 * still showing the others.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardHardeningIT implements TestPropertyProvider {
    private static final String PREFIX = "dashh" + UUID.randomUUID().toString().substring(0, 6);

    @Inject
    EmbeddedServer server;

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Inject
    StreamRequestLog streams;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", RedisExtension.shared().uri(),
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.sample-interval", "300ms",
                "test.stream-request-log", "true");
    }

    @Test
    void thePageStreamsWithoutItsTokenAndNamesAnUnreadableLimit() throws Exception {
        String name = "shown-" + UUID.randomUUID().toString().substring(0, 8);
        String broken = name + "-broken";
        Api api = new Api(http, json);
        assertThat(api.put("/api/limits/" + name, "{\"permits\": 2}").status()).isEqualTo(201);
        RedisClient raw = RedisClient.create(RedisExtension.shared().uri());
        try (Chromium chromium = Chromium.start(); var redis = raw.connect()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            browser.get(server.getURL() + "/");
            // A token this tab keeps (from an earlier write) must not go into the stream URL: reads are open.
            ((JavascriptExecutor) browser).executeScript("sessionStorage.setItem('limiter.adminToken', arguments[0]);",
                    Api.TOKEN);
            browser.navigate().refresh();

            String permits = wait.withMessage("the card of " + name).until(d -> d.findElement(By.cssSelector(
                    "[data-testid=limit-card][data-limit='" + name + "'] [data-testid=concurrency-value]")).getText());
            assertThat(permits).isEqualTo("0 / 2");
            assertThat(streams.uris()).isNotEmpty().noneMatch(u -> u.contains("access_token"));

            redis.sync().hset(PREFIX + ":{" + broken + "}:policy", Map.of("permits", "-5", "lease_ms", "-1"));
            String banner = wait.withMessage("the banner naming " + broken).until(d -> {
                String text = d.findElement(By.cssSelector("[data-testid=banner]")).getText();
                return text.contains(broken) ? text : null;
            });
            assertThat(banner).contains("Cannot read limit " + broken + " from Redis")
                    .contains("permits must be between 1 and 1000000, was -5");
            assertThat(browser.findElements(By.cssSelector("[data-testid=limit-card][data-limit='" + name + "']")))
                    .hasSize(1);

            redis.sync().del(PREFIX + ":{" + broken + "}:policy");
            wait.withMessage("the banner gone").until(d -> !d.findElement(By.cssSelector("[data-testid=banner]"))
                    .isDisplayed());
        } finally {
            raw.shutdown();
            api.delete("/api/limits/" + name);
        }
    }
}
