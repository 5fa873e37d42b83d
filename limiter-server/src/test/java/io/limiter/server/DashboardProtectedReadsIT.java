package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * With {@code limiter.protect-reads}, the dashboard asks for the admin token before it can stream (an
 * {@code EventSource} cannot send headers, so the page passes it as {@code access_token}), then shows the limits.
 */
@BrowserTest
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardProtectedReadsIT implements TestPropertyProvider {
    private static final String PREFIX = "dashp" + UUID.randomUUID().toString().substring(0, 6);

    @Inject
    EmbeddedServer server;

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", RedisExtension.shared().uri(),
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.protect-reads", "true",
                "limiter.sample-interval", "300ms");
    }

    @Test
    void thePageAsksForTheTokenThenStreams() throws Exception {
        String name = "guarded-" + UUID.randomUUID().toString().substring(0, 8);
        Api api = new Api(http, json);
        assertThat(api.put("/api/limits/" + name, "{\"permits\": 2}").status()).isEqualTo(201);
        try (Chromium chromium = Chromium.start()) {
            WebDriver browser = chromium.driver();
            // The page re-renders live: look again when an element found a moment ago was replaced.
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            browser.get(server.getURL() + "/");

            WebElement input = wait.withMessage("the token prompt")
                    .until(d -> d.findElement(By.cssSelector("[data-testid=token-input]")).isDisplayed()
                            ? d.findElement(By.cssSelector("[data-testid=token-input]")) : null);
            assertThat(browser.findElements(By.cssSelector("[data-testid=limit-card]"))).isEmpty();
            assertThat(browser.findElement(By.cssSelector("[data-testid=banner]")).getText())
                    .contains("protects reads");
            input.sendKeys(Api.TOKEN);
            browser.findElement(By.cssSelector("[data-testid=token-ok]")).click();

            String permits = wait.withMessage("the card of " + name).until(d -> d.findElement(By.cssSelector(
                    "[data-testid=limit-card][data-limit='" + name + "'] [data-testid=concurrency-value]")).getText());
            assertThat(permits).isEqualTo("0 / 2");
            assertThat(browser.findElement(By.cssSelector("[data-testid=banner]")).isDisplayed()).isFalse();
        } finally {
            api.delete("/api/limits/" + name);
        }
    }
}
