package io.limiter.micronaut;

import static io.limiter.micronaut.TestSupport.body;
import static io.limiter.micronaut.TestSupport.fetch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.client.LimiterClient;
import io.limiter.micronaut.app.TestApi;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP filter in a running application against a real Redis, through real HTTP clients. */
@ExtendWith(RedisExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpLimitFilterIT implements TestPropertyProvider {
    private static final String PREFIX = TestSupport.uniquePrefix("filter");
    private static final String PROBLEM = "application/problem+json";

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    EmbeddedServer server;

    @Inject
    LimiterClient limiterClient;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();

    @Override
    public Map<String, String> getProperties() {
        Map<String, Object> p = TestSupport.clientProperties(PREFIX);
        p.put("limiter.client.limits.hourly.rate", "3");
        p.put("limiter.client.limits.hourly.period", "1h");
        p.put("limiter.client.limits.fast.rate", "1");
        p.put("limiter.client.limits.fast.period", "1s");
        p.put("limiter.client.limits.slots.permits", "2");
        p.put("limiter.client.limits.streams.permits", "1");
        p.put("limiter.client.limits.shadowed.rate", "1");
        p.put("limiter.client.limits.shadowed.period", "1h");
        p.put("limiter.client.limits.opened.rate", "1");
        p.put("limiter.client.limits.opened.period", "1h");
        p.put("limiter.client.limits.warm.rate", "1000");
        p.put("limiter.http.routes.warm.paths", "/api/warm");
        p.put("limiter.http.routes.undefined.paths", "/api/undefined");
        p.put("limiter.http.routes.undefined-shadow.paths", "/api/undefined-shadow");
        p.put("limiter.http.routes.undefined-shadow.shadow", "true");
        p.put("limiter.http.exempt-paths", "/api/open/exempt");
        p.put("limiter.http.routes.hourly.paths", "/api/hourly");
        p.put("limiter.http.routes.fast.paths", "/api/fast");
        p.put("limiter.http.routes.slots.paths", "/api/slow/slots");
        p.put("limiter.http.routes.streams.paths", "/api/stream/streams");
        p.put("limiter.http.routes.shadowed.paths", "/api/shadowed");
        p.put("limiter.http.routes.shadowed.shadow", "true");
        p.put("limiter.http.routes.opened.paths", "/api/open/**");
        p.put("limiter.http.routes.opened.exclude-paths", "/api/open/excluded");
        p.put("limiter.http.routes.posts.paths", "/api/posted");
        p.put("limiter.http.routes.posts.methods", "POST");
        p.put("limiter.http.routes.posts.limit", "hourly");
        Map<String, String> text = new java.util.HashMap<>();
        p.forEach((k, v) -> text.put(k, String.valueOf(v)));
        return text;
    }

    @BeforeAll
    void warmUp() {
        fetch(http.toBlocking(), "/api/warm"); // the first request loads classes and scripts; later timings are tight
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tokenBucketAnswersCarryExactFieldsAndTheFourthRequestGets429() {
        BlockingHttpClient c = http.toBlocking();
        String[] expected = {"\"hourly\";r=2;t=1200", "\"hourly\";r=1;t=2400", "\"hourly\";r=0;t=3600"};
        for (String state : expected) {
            HttpResponse<String> ok = fetch(c, "/api/hourly");
            assertThat(ok.code()).isEqualTo(200);
            assertThat(body(ok)).isEqualTo("ok hourly");
            assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"hourly\";q=3;w=3600");
            assertThat(ok.header("RateLimit")).isEqualTo(state);
        }
        for (int i = 0; i < 2; i++) { // the second denial comes from the remembered wait, and says the same
            HttpResponse<String> denied = fetch(c, "/api/hourly");
            assertThat(denied.code()).isEqualTo(429);
            assertThat(denied.header("Content-Type")).isEqualTo(PROBLEM);
            assertThat(denied.header("Retry-After")).isEqualTo("1200");
            assertThat(denied.header("RateLimit-Policy")).isEqualTo("\"hourly\";q=3;w=3600");
            assertThat(denied.header("RateLimit")).isEqualTo("\"hourly\";r=0;t=1200");
            assertThat(body(denied)).isEqualTo("{\"type\":\"urn:limiter:problem:rate-limited\",\"title\":"
                    + "\"Too Many Requests\",\"status\":429,\"detail\":\"limit 'hourly' has no capacity left; retry"
                    + " after 1200 s\",\"instance\":\"/api/hourly\",\"limit\":\"hourly\",\"retryAfter\":1200}");
        }
        // The route "posts" shares the limit but applies to POST only: a GET of its path is not limited.
        HttpResponse<String> notPost = fetch(c, "/api/posted");
        assertThat(notPost.code()).isEqualTo(200);
        assertThat(notPost.header("RateLimit")).isNull();
    }

    @Test
    void aClientThatWaitsRetryAfterGetsIn() throws InterruptedException {
        BlockingHttpClient c = http.toBlocking();
        assertThat(fetch(c, "/api/fast").code()).isEqualTo(200);
        HttpResponse<String> denied = fetch(c, "/api/fast");
        assertThat(denied.code()).isEqualTo(429);
        long wait = Long.parseLong(denied.header("Retry-After"));
        assertThat(wait).isEqualTo(1);
        assertThat(denied.header("RateLimit")).isEqualTo("\"fast\";r=0;t=1");
        Thread.sleep(Duration.ofSeconds(wait).toMillis());
        HttpResponse<String> retried = fetch(c, "/api/fast");
        assertThat(retried.code()).isEqualTo(200);
        assertThat(retried.header("RateLimit-Policy")).isEqualTo("\"fast\";q=1;w=1");
    }

    @Test
    void aConcurrencyCapHoldsItsPermitsUntilTheResponsesAreDone() throws Exception {
        BlockingHttpClient c = http.toBlocking();
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(pool.submit(() -> fetch(c, "/api/slow/slots?ms=1500")));
        }
        List<Integer> codes = new ArrayList<>();
        HttpResponse<String> denied = null;
        for (Future<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.get();
            codes.add(r.code());
            if (r.code() == 429) {
                denied = r;
            } else {
                assertThat(r.header("RateLimit-Policy")).isEqualTo("\"slots\";q=2;qu=\"concurrent-requests\"");
                assertThat(r.header("RateLimit")).isIn("\"slots\";r=1", "\"slots\";r=0");
            }
        }
        assertThat(codes).containsExactlyInAnyOrder(200, 200, 429);
        assertThat(denied.header("Retry-After")).isEqualTo("1");
        assertThat(denied.header("RateLimit")).isEqualTo("\"slots\";r=0;t=1");
        await().atMost(Duration.ofSeconds(5)).until(() -> TestSupport.state(PREFIX, "slots").permitsInUse() == 0);
        assertThat(limiterClient.limiter("slots").heldCount()).isZero();
    }

    @Test
    void aStreamedBodyHoldsItsPermitUntilTheStreamEnds() throws Exception {
        URI stream = URI.create("http://localhost:" + server.getPort() + "/api/stream/streams?items=3&ms=400");
        java.net.http.HttpResponse<InputStream> first = jdk.send(HttpRequest.newBuilder(stream).build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(first.statusCode()).isEqualTo(200); // the response has started
        BufferedReader lines = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("streams0");
        assertThat(fetch(http.toBlocking(), "/api/stream/streams?items=1&ms=1").code()).isEqualTo(429);
        assertThat(lines.readLine()).isEqualTo("streams1");
        assertThat(lines.readLine()).isEqualTo("streams2");
        assertThat(lines.readLine()).isNull();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> fetch(http.toBlocking(), "/api/stream/streams?items=1&ms=1").code() == 200);
    }

    @Test
    void aClientLeavingAStreamGivesItsPermitBack() throws Exception {
        URI stream = URI.create("http://localhost:" + server.getPort() + "/api/stream/streams?items=100&ms=200");
        java.net.http.HttpResponse<InputStream> first = jdk.send(HttpRequest.newBuilder(stream).build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(first.statusCode()).isEqualTo(200);
        InputStream in = first.body();
        assertThat(in.read()).isPositive();
        assertThat(fetch(http.toBlocking(), "/api/stream/streams?items=1&ms=1").code()).isEqualTo(429);
        in.close(); // gives up the body: the connection goes away mid-stream
        await().atMost(Duration.ofSeconds(10))
                .until(() -> TestSupport.state(PREFIX, "streams").permitsInUse() == 0);
        assertThat(fetch(http.toBlocking(), "/api/stream/streams?items=1&ms=1").code()).isEqualTo(200);
    }

    @Test
    void aRouteWhoseLimitNobodyDefinedAnswers503() {
        HttpResponse<String> r = fetch(http.toBlocking(), "/api/undefined");
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("Content-Type")).isEqualTo(PROBLEM);
        assertThat(body(r)).isEqualTo("{\"type\":\"urn:limiter:problem:limiter-unavailable\",\"title\":"
                + "\"Service Unavailable\",\"status\":503,\"detail\":\"the request limiter is unavailable; try"
                + " again later\",\"instance\":\"/api/undefined\"}");
        assertThat(fetch(http.toBlocking(), "/api/undefined-shadow").code()).isEqualTo(200); // shadow: never denies
    }

    @Test
    void aClientLeavingBeforeTheAnswerGivesThePermitBack() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", server.getPort())) {
            socket.getOutputStream().write(("GET /api/slow/slots?ms=800 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> TestSupport.state(PREFIX, "slots").permitsInUse() == 1);
        } // gone before the controller answers
        await().atMost(Duration.ofSeconds(5)).until(() -> TestSupport.state(PREFIX, "slots").permitsInUse() == 0);
        assertThat(limiterClient.limiter("slots").heldCount()).isZero();
    }

    @Test
    void shadowModeCountsDenialsButNeverDenies() {
        BlockingHttpClient c = http.toBlocking();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = fetch(c, "/api/shadowed");
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("RateLimit")).isNull();
            assertThat(r.header("Retry-After")).isNull();
        }
        assertThat(TestSupport.state(PREFIX, "shadowed").counters())
                .containsEntry("grants", 1L).containsEntry("denials", 4L);
    }

    @Test
    void exemptAndExcludedPathsAreNeverLimited() {
        BlockingHttpClient c = http.toBlocking();
        for (int i = 0; i < 3; i++) {
            assertThat(fetch(c, "/api/open/exempt").code()).isEqualTo(200);
            assertThat(fetch(c, "/api/open/excluded").code()).isEqualTo(200);
        }
        assertThat(fetch(c, "/api/open/a").code()).isEqualTo(200);
        assertThat(fetch(c, "/api/open/b").code()).isEqualTo(429);
    }

    @Test
    void manyConcurrentRequestsNeverExceedTheCap() throws Exception {
        TestApi.MAX_IN_SLOW.set(0);
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        BlockingHttpClient c = http.toBlocking();
        for (int i = 0; i < 12; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> fetch(c, "/api/slow/slots?ms=200").code(), pool));
        }
        long ok = calls.stream().map(CompletableFuture::join).filter(code -> code == 200).count();
        assertThat(ok).isBetween(2L, 12L);
        assertThat(TestApi.MAX_IN_SLOW.get()).isLessThanOrEqualTo(2);
    }
}
