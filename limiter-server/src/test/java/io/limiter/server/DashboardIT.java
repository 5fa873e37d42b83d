package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium ({@link Chromium}: Debian's browser and driver, which {@code .ci/run}
 * installs; skipped without them unless required, see {@link BrowserTest}), against the real server and a real
 * Redis, with permits taken by the client library.
 */
@BrowserTest
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT implements TestPropertyProvider {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final String PREFIX = "dash" + UUID.randomUUID().toString().substring(0, 6);

    private final String redisUri = RedisExtension.shared().uri();

    @Inject
    EmbeddedServer server;

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    private Chromium chromium;
    private WebDriver browser;
    private final List<LimiterClient> clients = new ArrayList<>();
    private LimiterClient client;
    private Api api;
    private final List<String> created = new ArrayList<>();
    private final List<Permit> held = new ArrayList<>();
    private String testName;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", redisUri,
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.sample-interval", "300ms");
    }

    @BeforeAll
    void startBrowser() throws IOException {
        chromium = Chromium.start();
        browser = chromium.driver();
        client = newClient("checkout-7f9c:4121");
    }

    @AfterAll
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
        clients.forEach(LimiterClient::close);
    }

    @BeforeEach
    void setUp(TestInfo info) {
        api = new Api(http, json);
        testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
    }

    @AfterEach
    void cleanUp() {
        held.forEach(Permit::close);
        held.clear();
        created.forEach(n -> api.delete("/api/limits/" + n));
        created.clear();
    }

    @Test
    void thePageListsALimitDefinedThroughTheApi() {
        String name = define("{\"permits\": 4, \"lease\": \"30s\", \"rate\": 20, \"period\": \"1s\", \"burst\": 10}");
        open("");

        WebElement card = waitFor(d -> d.findElement(card(name)), "a card for " + name);
        assertThat(browser.getTitle()).contains("Distributed Limiter");
        assertThat(text(card, "concurrency-value")).isEqualTo("0 / 4");
        waitFor(d -> text(d.findElement(card(name)), "rate-value").equals("0 / 10"), "a full bucket (no token used)");
        assertThat(badge(name).isDisplayed()).isFalse();
    }

    @Test
    void acquiringPermitsMovesTheGaugeAndAddsHoldersWithinTwoSecondsWithoutReload() throws InterruptedException {
        String name = define("{\"permits\": 3, \"lease\": \"30s\"}");
        open("#limit/" + name);
        waitFor(d -> text(d.findElement(By.id("detail-state")), "concurrency-value").equals("0 / 3"), "an idle gauge");
        js("window.__sameDocument = true;");

        DistributedLimiter limiter = client.limiter(name);
        Permit one = hold(limiter.acquire(Duration.ofSeconds(5)));
        Thread.sleep(5); // distinct acquiredAt milliseconds (Redis time), so "oldest first" has one answer
        Permit two = hold(limiter.acquire(2, Duration.ofSeconds(5)));

        new WebDriverWait(browser, Duration.ofSeconds(2))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            boolean gauge = text(d.findElement(By.id("detail-state")), "concurrency-value").equals("3 / 3");
            return gauge && holderIds().equals(List.of(one.id(), two.id()));
        });
        assertThat(js("return window.__sameDocument === true;")).as("the page was not reloaded").isEqualTo(true);
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) js("return Array.from(document.querySelectorAll("
                + "'[data-testid=holder-row]')).map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim()));");
        assertThat(rows.get(0)).startsWith(client.instanceId(), one.id(), "1");
        assertThat(rows.get(1).get(2)).isEqualTo("2");
        assertThat(browser.findElement(By.id("detail-badge")).isDisplayed()).isTrue();
        waitFor(d -> d.findElement(By.cssSelector("[data-testid=counters] .stat-value")).getText().equals("2"),
                "two grants counted");

        browser.findElement(By.cssSelector("[data-testid=back]")).click();
        waitFor(d -> text(d.findElement(card(name)), "concurrency-value").equals("3 / 3")
                && "2".equals(d.findElement(card(name)).findElement(By.cssSelector("[data-testid=holder-count]"))
                        .getAttribute("data-value"))
                && badge(name).isDisplayed(), "the card of " + name + " full, with 2 holders and the badge");
        assertThat(js("return window.__sameDocument === true;")).as("the page was not reloaded").isEqualTo(true);
    }

    @Test
    void forceReleaseFromThePageRemovesTheHolderAndItsHolderSeesTheLeaseLost() {
        String name = define("{\"permits\": 2, \"lease\": \"3s\"}");
        DistributedLimiter limiter = client.limiter(name);
        Permit victim = hold(limiter.acquire(Duration.ofSeconds(5)));
        Permit other = hold(limiter.acquire(Duration.ofSeconds(5)));
        open("#limit/" + name);
        waitFor(d -> Set.copyOf(holderIds()).equals(Set.of(victim.id(), other.id())), "both holders listed");

        waitFor(d -> {
            row(victim.id()).findElement(By.cssSelector("[data-testid=force-release]")).click();
            return true;
        }, "the force-release button clicked");
        // The first write asks for the token; a wrong one is refused by the server and asked for again.
        enterToken("not-the-token");
        WebElement error = waitFor(d -> {
            WebElement e = d.findElement(By.cssSelector("[data-testid=token-error]"));
            return e.isDisplayed() ? e : null;
        }, "the token asked again");
        assertThat(error.getText()).isEqualTo("the bearer token is not the admin token");
        enterToken(Api.TOKEN);

        waitFor(d -> holderIds().equals(List.of(other.id())), "the released holder gone");
        // The stream (not only the page's own bookkeeping) agrees, and so does Redis.
        waitFor(d -> d.findElement(By.id("holders-count")).getText().equals("(1)"), "one holder in the stream");
        List<?> holders = (List<?>) api.get("/api/limits/" + name).map().get("holders");
        assertThat(holders.stream().map(h -> String.valueOf(((Map<?, ?>) h).get("permitId")))).containsExactly(other.id());
        await().atMost(PATIENCE).until(() -> !victim.isValid());
        assertThat(other.isValid()).isTrue();
    }

    @Test
    void aKeyOfAKeyedLimitIsSearchedShownAndItsHolderForceReleased() {
        String name = define("{\"permits\": 2, \"lease\": \"30s\", \"keyed\": true}");
        String other = define("{\"permits\": 2, \"lease\": \"30s\"}");
        DistributedLimiter tenant = client.limiter(name).forKey("tenant/1");
        Permit victim = hold(tenant.acquire(Duration.ofSeconds(5)));
        Permit neighbour = hold(client.limiter(name).forKey("tenant/2").acquire(Duration.ofSeconds(5)));

        // A limit that is not keyed has no key view.
        open("#limit/" + other);
        waitFor(d -> d.findElement(By.id("detail-name")).getText().equals(other), "the detail of " + other);
        assertThat(browser.findElement(By.cssSelector("[data-testid=key-panel]")).isDisplayed()).isFalse();

        open("#limit/" + name);
        WebElement input = waitFor(d -> {
            WebElement i = d.findElement(By.cssSelector("[data-testid=key-input]"));
            return i.isDisplayed() ? i : null;
        }, "the key form of a keyed limit");
        // A key the server refuses: its error under the form.
        js("document.querySelector('[data-testid=key-input]').value = 'bad\\u0001key';");
        browser.findElement(By.cssSelector("[data-testid=key-search]")).click();
        WebElement error = waitFor(d -> {
            WebElement e = d.findElement(By.cssSelector("[data-testid=key-error]"));
            return e.isDisplayed() ? e : null;
        }, "the server's error for a bad key");
        assertThat(error.getText()).startsWith("key must be");

        input.clear();
        input.sendKeys("tenant/1");
        browser.findElement(By.cssSelector("[data-testid=key-search]")).click();
        waitFor(d -> keyHolderIds().equals(List.of(victim.id())), "the key's one holder");
        WebElement state = browser.findElement(By.cssSelector("[data-testid=key-state]"));
        assertThat(text(state, "key-name")).isEqualTo("tenant/1");
        assertThat(text(state, "concurrency-value")).isEqualTo("1 / 2");
        assertThat(browser.findElement(By.cssSelector("[data-testid=key-idle]")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.cssSelector("[data-testid=key-override]")).isDisplayed()).isFalse();

        browser.findElement(By.cssSelector("[data-testid=key-holder-row][data-permit='" + victim.id()
                + "'] [data-testid=key-force-release]")).click();
        enterToken(Api.TOKEN);
        // The page reloads the key: no holder left, and the key idle or empty.
        waitFor(d -> keyHolderIds().isEmpty()
                && text(d.findElement(By.cssSelector("[data-testid=key-state]")), "key-holders-count").equals("(0)"),
                "the key without holders");
        assertThat(text(browser.findElement(By.cssSelector("[data-testid=key-state]")), "concurrency-value"))
                .isEqualTo("0 / 2");
        String keyPath = "/api/limits/" + name + "/keys/" + java.net.URLEncoder.encode("tenant/1",
                java.nio.charset.StandardCharsets.UTF_8);
        Map<String, Object> key = api.get(keyPath).map();
        assertThat((List<?>) key.get("holders")).isEmpty();
        assertThat(key).containsEntry("permitsInUse", 0);
        await().atMost(PATIENCE).until(() -> !victim.isValid());
        // Another key of the same limit is left alone.
        assertThat(neighbour.isValid()).isTrue();
        assertThat((List<?>) api.get("/api/limits/" + name + "/keys/tenant%2F2").map().get("holders")).hasSize(1);

        // An override is shown as one, and a key nobody used as idle.
        assertThat(api.put("/api/limits/" + name + "/keys/fresh/override", "{\"permits\": 9}").status())
                .isEqualTo(201);
        input.clear();
        input.sendKeys("fresh");
        browser.findElement(By.cssSelector("[data-testid=key-search]")).click();
        waitFor(d -> text(d.findElement(By.cssSelector("[data-testid=key-state]")), "key-name").equals("fresh")
                && d.findElement(By.cssSelector("[data-testid=key-idle]")).isDisplayed()
                && d.findElement(By.cssSelector("[data-testid=key-override]")).isDisplayed(),
                "the fresh key idle and overridden");
        assertThat(text(browser.findElement(By.cssSelector("[data-testid=key-state]")), "concurrency-value"))
                .isEqualTo("0 / 9");
    }

    @Test
    void editingThePolicyShowsTheServersErrorOrUpdatesTheCard() {
        String name = define("{\"permits\": 3, \"lease\": \"30s\"}");
        open("#limit/" + name);
        WebElement permits = waitFor(d -> {
            WebElement f = d.findElement(By.cssSelector("[data-testid=field-permits]"));
            return "3".equals(f.getAttribute("value")) ? f : null;
        }, "the form filled from the policy");
        assertThat(field("lease").getAttribute("value")).isEqualTo("30s");

        permits.clear();
        permits.sendKeys("0");
        save();
        enterToken(Api.TOKEN);
        waitFor(d -> errorText("permits").equals("permits must be between 1 and 1000000, was 0"),
                "the server's error next to permits");

        // The token is kept for the session: the next save goes straight to the server.
        field("permits").clear();
        field("permits").sendKeys("8");
        field("lease").clear();
        field("lease").sendKeys("soon");
        save();
        waitFor(d -> errorText("lease").equals("lease must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, "
                + "was 'soon'"), "the server's error next to lease");
        assertThat(errorText("permits")).isEmpty();
        assertThat(browser.findElement(By.cssSelector("[data-testid=token-dialog]")).isDisplayed()).isFalse();

        field("lease").clear();
        field("lease").sendKeys("20s");
        save();
        waitFor(d -> d.findElement(By.cssSelector("[data-testid=form-status]")).getText().equals("Saved"),
                "the save confirmed");
        assertThat(errorText("lease")).isEmpty();
        browser.findElement(By.cssSelector("[data-testid=back]")).click();
        waitFor(d -> text(d.findElement(card(name)), "concurrency-value").equals("0 / 8"), "the card with the new cap");
        @SuppressWarnings("unchecked")
        Map<String, Object> policy = (Map<String, Object>) api.get("/api/limits/" + name).map().get("policy");
        assertThat(policy).containsEntry("permits", 8).containsEntry("lease", "PT20S");
    }

    @Test
    void savingAFairLimitFromTheFormKeepsItFair() {
        String name = define("{\"permits\": 3, \"lease\": \"30s\", \"fair\": true}");
        open("#limit/" + name);
        WebElement permits = waitFor(d -> {
            WebElement f = d.findElement(By.cssSelector("[data-testid=field-permits]"));
            return "3".equals(f.getAttribute("value")) ? f : null;
        }, "the form filled from the policy");
        assertThat(field("fair").isSelected()).as("fair shown as set").isTrue();

        permits.clear();
        permits.sendKeys("5");
        save();
        enterToken(Api.TOKEN);
        waitFor(d -> d.findElement(By.cssSelector("[data-testid=form-status]")).getText().equals("Saved"),
                "the save confirmed");

        // PUT replaces the whole policy: a form that left out a field would have cleared it.
        @SuppressWarnings("unchecked")
        Map<String, Object> policy = (Map<String, Object>) api.get("/api/limits/" + name).map().get("policy");
        assertThat(policy).containsEntry("permits", 5).containsEntry("lease", "PT30S").containsEntry("fair", true);
    }

    @Test
    void aQuotaLimitShowsItsGaugeAndWhenItResets() {
        String name = define("{\"quota\": 10000, \"window\": \"day\", \"zone\": \"UTC\"}");
        hold(client.limiter(name).acquire(3, Duration.ofSeconds(5)));
        open("");

        waitFor(d -> text(d.findElement(card(name)), "quota-value").equals("3 / 10,000"), "the quota gauge");
        String resets = waitFor(d -> text(d.findElement(card(name)), "quota-reset"), "the card's quota reset");
        // Midnight UTC, from the server's reset time and Redis time, in rounded words (the page read a few seconds
        // before this REST read, so it may round a few seconds more).
        Map<String, Object> detail = api.get("/api/limits/" + name).map();
        Instant resetAt = Instant.parse((String) detail.get("quotaResetAt"));
        Instant readAt = Instant.parse((String) detail.get("readAt"));
        assertThat(resetAt).isEqualTo(readAt.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant());
        Duration left = Duration.between(readAt, resetAt);
        assertThat(resets).isIn("resets in " + inWords(left), "resets in " + inWords(left.plusSeconds(10)));

        open("#limit/" + name);
        waitFor(d -> "10000".equals(field("quota").getAttribute("value")), "the form filled from the policy");
        assertThat(field("window").getAttribute("value")).isEqualTo("day");
        assertThat(field("zone").getAttribute("value")).isEqualTo("UTC");
        assertThat(field("permits").getAttribute("value")).isEmpty();
        // The detail re-renders on every stream update: looked up again until it reads (no stale element).
        waitFor(d -> text(d.findElement(By.id("detail-state")), "quota-reset").startsWith("resets in "),
                "the detail's quota reset");
    }

    /** What the page shows for a time left, in the same rounding (a test a second from a unit's edge may differ). */
    private static String inWords(Duration left) {
        long s = Math.round(left.toMillis() / 1000.0);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600 - 30) {
            return Math.round(s / 60.0) + " min";
        }
        if (s < 2 * 86400 - 1800) {
            return Math.round(s / 3600.0) + " h";
        }
        return Math.round(s / 86400.0) + " d";
    }

    /**
     * A busy dashboard for the README: limits with held permits, denials and a saturated one. Written to
     * {@code target/dashboard.png}; copied to {@code docs/dashboard.png} when {@code UPDATE_SCREENSHOT=1}
     * (environment or system property).
     */
    @Test
    void screenshotOfABusyDashboard() throws Exception {
        created.addAll(List.of("payments", "search", "reports", "emails", "webhooks", "exports"));
        api.put("/api/limits/payments", "{\"permits\": 8, \"lease\": \"30s\", \"rate\": 40, \"burst\": 10}");
        api.put("/api/limits/search", "{\"rate\": 25, \"period\": \"1s\", \"burst\": 25}");
        api.put("/api/limits/reports", "{\"permits\": 3, \"lease\": \"2m\"}");
        api.put("/api/limits/emails", "{\"permits\": 20, \"lease\": \"30s\"}");
        api.put("/api/limits/webhooks", "{\"permits\": 10, \"lease\": \"15s\", \"rate\": 5, \"burst\": 5}");
        api.put("/api/limits/exports", "{\"permits\": 2, \"lease\": \"5m\"}");
        List<LimiterClient> workers = List.of(newClient("checkout-7f9c:4121"), newClient("checkout-2b41:3907"),
                newClient("batch-worker-1:77"));
        for (int i = 0; i < 3; i++) {
            hold(workers.get(i).limiter("reports").acquire(Duration.ofSeconds(5)));
        }
        for (int i = 0; i < 5; i++) {
            hold(workers.get(i % 3).limiter("payments").acquire(1 + i % 2, Duration.ofSeconds(5)));
        }
        for (int i = 0; i < 4; i++) {
            hold(workers.get(i % 3).limiter("emails").acquire(Duration.ofSeconds(5)));
        }
        open("");
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                LimiterClient w = workers.get(i++ % 3);
                w.limiter("search").tryAcquire().ifPresent(Permit::close);
                w.limiter("reports").tryAcquire().ifPresent(Permit::close);
                if (i % 3 == 0) {
                    w.limiter("payments").tryAcquire().ifPresent(Permit::close);
                }
                if (i % 8 == 0) {
                    w.limiter("webhooks").tryAcquire().ifPresent(Permit::close);
                }
                try {
                    Thread.sleep(i % 40 < 20 ? 15 : 45);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dashboard-traffic");
        traffic.start();
        try {
            Thread.sleep(8000);
            waitFor(d -> d.findElements(By.cssSelector("[data-testid=limit-card] polyline")).size() >= 12,
                    "charts drawn on every card");
            waitFor(d -> badge("reports").isDisplayed(), "the saturated badge of reports");
            Path shot = shoot("dashboard.png");
            open("#limit/payments");
            waitFor(d -> holderIds().size() == 5, "the holders of payments");
            shoot("dashboard-detail.png");
            if ("1".equals(System.getenv("UPDATE_SCREENSHOT")) || "1".equals(System.getProperty("UPDATE_SCREENSHOT"))) {
                Path docs = Path.of(System.getProperty("basedir", "."), "docs", "dashboard.png");
                Files.createDirectories(docs.getParent());
                Files.copy(shot, docs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            running.set(false);
            traffic.join();
        }
    }

    // ------------------------------------------------------------------ helpers

    private LimiterClient newClient(String instanceId) {
        LimiterClient c = LimiterClient.builder().redisUri(redisUri).keyPrefix(PREFIX).instanceId(instanceId).build();
        clients.add(c);
        return c;
    }

    private String define(String policy) {
        String name = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Reply r = api.put("/api/limits/" + name, policy);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        created.add(name);
        return name;
    }

    private Permit hold(Permit p) {
        held.add(p);
        return p;
    }

    /** Loads the page fresh, with no admin token in the session, and waits until the stream has delivered. */
    private void open(String hash) {
        browser.get(server.getURL() + "/" + hash);
        js("sessionStorage.clear();");
        waitFor(d -> d.findElement(By.tagName("body")).getAttribute("data-events") != null, "the first stream event");
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private <T> T waitFor(Function<WebDriver, T> condition, String what) {
        try {
            // The page re-renders live; an element found a moment ago may be replaced: look again.
            return new WebDriverWait(browser, PATIENCE).withMessage(what)
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            try {
                shoot("failure-" + testName + ".png");
            } catch (IOException ignored) {
                // the timeout is the error that matters
            }
            throw e;
        }
    }

    private Path shoot(String file) throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."), "target", file);
        Files.createDirectories(target.getParent());
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        assertThat(png.length).isGreaterThan(1000);
        return Files.write(target, png);
    }

    private static By card(String name) {
        return By.cssSelector("[data-testid=limit-card][data-limit='" + name + "']");
    }

    private WebElement badge(String name) {
        return browser.findElement(card(name)).findElement(By.cssSelector("[data-testid=saturated-badge]"));
    }

    private static String text(WebElement scope, String testId) {
        return scope.findElement(By.cssSelector("[data-testid=" + testId + "]")).getText();
    }

    @SuppressWarnings("unchecked")
    private List<String> holderIds() {
        // One script reads all rows at once, so a live re-render cannot leave a stale element in between.
        return (List<String>) js("return Array.from(document.querySelectorAll('[data-testid=holder-row]'))"
                + ".map(r => r.getAttribute('data-permit'));");
    }

    @SuppressWarnings("unchecked")
    private List<String> keyHolderIds() {
        return (List<String>) js("return Array.from(document.querySelectorAll('[data-testid=key-holder-row]'))"
                + ".map(r => r.getAttribute('data-permit'));");
    }

    private WebElement row(String permitId) {
        return browser.findElement(By.cssSelector("[data-testid=holder-row][data-permit='" + permitId + "']"));
    }

    private WebElement field(String name) {
        return browser.findElement(By.cssSelector("[data-testid=field-" + name + "]"));
    }

    private String errorText(String field) {
        return browser.findElement(By.cssSelector("[data-testid=error-" + field + "]")).getText();
    }

    private void save() {
        browser.findElement(By.cssSelector("[data-testid=save-policy]")).click();
    }

    private void enterToken(String token) {
        WebElement input = waitFor(d -> {
            WebElement i = d.findElement(By.cssSelector("[data-testid=token-input]"));
            return i.isDisplayed() && i.getAttribute("value").isEmpty() ? i : null;
        }, "the admin token prompt");
        input.sendKeys(token);
        browser.findElement(By.cssSelector("[data-testid=token-ok]")).click();
    }
}
