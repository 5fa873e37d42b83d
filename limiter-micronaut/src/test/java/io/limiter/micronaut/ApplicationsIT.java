package io.limiter.micronaut;

import static io.limiter.micronaut.TestSupport.fetch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.limiter.client.LimiterClient;
import io.limiter.client.LimiterListener;
import io.limiter.client.metrics.MicrometerLimiterMetrics;
import io.limiter.micronaut.app.TestApi;
import io.limiter.testing.RedisExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Whole applications: two sharing one cap, header syntaxes, beans, health and shutdown. */
@ExtendWith(RedisExtension.class)
class ApplicationsIT {

    private static EmbeddedServer start(String prefix, Map<String, Object> extra) {
        Map<String, Object> p = TestSupport.clientProperties(prefix);
        p.put("limiter.client.limits.shared.permits", "3");
        p.put("limiter.client.limits.bucket.rate", "2");
        p.put("limiter.client.limits.bucket.period", "1h");
        p.put("limiter.http.routes.shared.paths", "/api/slow/shared");
        p.put("limiter.http.routes.bucket.paths", "/api/bucket");
        p.put("limiter.client.limits.warm.rate", "1000");
        p.put("limiter.http.routes.warm.paths", "/api/warm");
        p.putAll(extra);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p);
        try (HttpClient h = HttpClient.create(server.getURL())) {
            fetch(h.toBlocking(), "/api/warm"); // first request: classes and scripts loaded, so timings below are tight
        }
        return server;
    }

    @Test
    void twoApplicationsShareOneCapAndNeverExceedIt() throws Exception {
        String prefix = TestSupport.uniquePrefix("two");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (EmbeddedServer a = start(prefix, Map.of("limiter.client.instance-id", "app-a"));
                EmbeddedServer b = start(prefix, Map.of("limiter.client.instance-id", "app-b"));
                HttpClient ha = HttpClient.create(a.getURL()); HttpClient hb = HttpClient.create(b.getURL())) {
            TestApi.MAX_IN_SLOW.set(0);
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 16; i++) {
                    BlockingHttpClient c = (i % 2 == 0 ? ha : hb).toBlocking();
                    calls.add(CompletableFuture.supplyAsync(() -> fetch(c, "/api/slow/shared?ms=250").code(), pool));
                }
                Thread.sleep(100);
            }
            List<Integer> codes = calls.stream().map(CompletableFuture::join).toList();
            assertThat(codes).containsOnly(200, 429);
            assertThat(codes.stream().filter(c -> c == 200).count()).isGreaterThanOrEqualTo(3);
            assertThat(codes.stream().filter(c -> c == 429).count()).isGreaterThanOrEqualTo(1);
            assertThat(TestApi.MAX_IN_SLOW.get()).isBetween(1, 3); // the controller never saw more than the cap
            assertThat(TestSupport.state(prefix, "shared").counters().get("grants"))
                    .isEqualTo(codes.stream().filter(c -> c == 200).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void draft03FieldsAndNoFields() {
        String prefix = TestSupport.uniquePrefix("syntax");
        try (EmbeddedServer s = start(prefix, Map.of("limiter.http.headers", "draft-03"));
                HttpClient h = HttpClient.create(s.getURL())) {
            HttpResponse<String> ok = fetch(h.toBlocking(), "/api/bucket");
            assertThat(ok.code()).isEqualTo(200);
            assertThat(ok.header("RateLimit-Limit")).isEqualTo("2, 2;w=3600");
            assertThat(ok.header("RateLimit-Remaining")).isEqualTo("1");
            assertThat(ok.header("RateLimit-Reset")).isEqualTo("1800");
            assertThat(ok.header("RateLimit")).isNull();
            assertThat(ok.header("RateLimit-Policy")).isNull();
        }
        try (EmbeddedServer s = start(TestSupport.uniquePrefix("syntax"), Map.of("limiter.http.headers", "none"));
                HttpClient h = HttpClient.create(s.getURL())) {
            HttpResponse<String> ok = fetch(h.toBlocking(), "/api/bucket");
            assertThat(ok.code()).isEqualTo(200);
            assertThat(ok.getHeaders().names()).noneMatch(n -> n.toLowerCase().startsWith("ratelimit"));
            assertThat(fetch(h.toBlocking(), "/api/bucket").code()).isEqualTo(200);
            HttpResponse<String> denied = fetch(h.toBlocking(), "/api/bucket");
            assertThat(denied.code()).isEqualTo(429);
            assertThat(denied.header("Retry-After")).isEqualTo("1800");
            assertThat(denied.getHeaders().names()).noneMatch(n -> n.toLowerCase().startsWith("ratelimit"));
        }
    }

    @Test
    void beansHealthMetricsAndShutdown() {
        String prefix = TestSupport.uniquePrefix("beans");
        EmbeddedServer s = start(prefix, Map.of("endpoints.health.details-visible", "ANONYMOUS"));
        ApplicationContext ctx = s.getApplicationContext();
        LimiterClient client = ctx.getBean(LimiterClient.class);
        assertThat(ctx.getBeansOfType(LimiterListener.class)).hasAtLeastOneElementOfType(MicrometerLimiterMetrics.class);
        try (HttpClient h = HttpClient.create(s.getURL())) {
            assertThat(fetch(h.toBlocking(), "/api/bucket").code()).isEqualTo(200);
            HttpResponse<String> health = fetch(h.toBlocking(), "/health");
            assertThat(health.code()).isEqualTo(200);
            assertThat(TestSupport.body(health)).contains("\"limiter\":{\"name\":\"application\",\"status\":\"UP\"");
        }
        MeterRegistry registry = ctx.getBean(MeterRegistry.class);
        assertThat(registry.find("limiter.client.grants").tag("limit", "bucket").counter()).isNotNull();

        client.limiter("shared").acquire(Duration.ofSeconds(5)); // held when the application stops
        assertThat(TestSupport.state(prefix, "shared").permitsInUse()).isEqualTo(1);
        s.stop();
        ctx.close();
        assertThat(TestSupport.state(prefix, "shared").permitsInUse()).isZero(); // released and flushed on shutdown
        assertThatThrownBy(() -> client.limiter("shared")).isInstanceOf(io.limiter.core.LimiterClosedException.class);
    }

    @Test
    void exemptAddressesBelieveForwardedForOnlyFromTrustedProxies() {
        String prefix = TestSupport.uniquePrefix("addr");
        Map<String, Object> extra = Map.of("limiter.http.exempt-addresses", "203.0.113.0/24",
                "limiter.http.trusted-proxies", "127.0.0.1, ::1");
        try (EmbeddedServer s = start(prefix, extra); HttpClient h = HttpClient.create(s.getURL())) {
            for (int i = 0; i < 4; i++) { // from a trusted proxy, for an exempt client: never limited
                HttpResponse<String> r = exchange(h, "203.0.113.7, 127.0.0.1");
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("RateLimit")).isNull();
            }
            // The client is the last hop not a trusted proxy: a forged entry in front of it changes nothing.
            assertThat(exchange(h, "203.0.113.7, 198.51.100.1").code()).isEqualTo(200); // not exempt: bucket of 2
            assertThat(exchange(h, "198.51.100.1").code()).isEqualTo(200);
            assertThat(exchange(h, "198.51.100.1").code()).isEqualTo(429);
        }
        try (EmbeddedServer s = start(TestSupport.uniquePrefix("addr"),
                Map.of("limiter.http.exempt-addresses", "203.0.113.0/24"));
                HttpClient h = HttpClient.create(s.getURL())) {
            // No trusted proxies: the header is ignored, so a client cannot claim an exempt address.
            assertThat(exchange(h, "203.0.113.7").code()).isEqualTo(200);
            assertThat(exchange(h, "203.0.113.7").code()).isEqualTo(200);
            assertThat(exchange(h, "203.0.113.7").code()).isEqualTo(429);
        }
    }

    private static HttpResponse<String> exchange(HttpClient h, String forwardedFor) {
        try {
            return h.toBlocking().exchange(io.micronaut.http.HttpRequest.GET("/api/bucket")
                    .header("X-Forwarded-For", forwardedFor), String.class);
        } catch (io.micronaut.http.client.exceptions.HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<String> r = (HttpResponse<String>) e.getResponse();
            return r;
        }
    }

    @Test
    void disabledMeansNoBeansAndNoFilter() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("limiter.client.enabled", "false",
                "limiter.http.routes.x.paths", "/api/**"))) {
            assertThat(ctx.findBean(LimiterClient.class)).isEmpty();
            assertThat(ctx.getBean(io.limiter.micronaut.app.LimitedService.class).both()).isEqualTo("both");
        }
    }
}
