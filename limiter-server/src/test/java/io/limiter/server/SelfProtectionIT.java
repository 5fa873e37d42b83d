package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.RedisProcess;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server protects itself with limiter-micronaut: a flood of reads or dashboard streams beyond the
 * {@code limiter-admin-*} caps is answered 429 with {@code Retry-After} and problem+json, never a 5xx, while
 * {@code /health} and {@code /prometheus} keep answering. The caps are made full deterministically by holding their
 * permits through the client API (no sleeps, no slow endpoints).
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfProtectionIT implements TestPropertyProvider {
    private static final String PREFIX = "self" + UUID.randomUUID().toString().substring(0, 6);
    private static final String READS = "limiter-admin-reads";
    private static final String STREAMS = "limiter-admin-streams";
    private static final int FLOOD = 40;

    @Inject
    EmbeddedServer server;

    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final LimiterClient holder = LimiterClient.builder().redisUri(RedisExtension.shared().uri())
            .keyPrefix(PREFIX).instanceId("flood-test").build();

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", RedisExtension.shared().uri(),
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.sample-interval", "200ms",
                "limiter.client.limits." + READS + ".permits", "2",
                "limiter.client.limits." + STREAMS + ".permits", "2",
                "limiter.http.routes." + READS + ".timeout", "0");
    }

    @AfterAll
    void tearDown() {
        holder.close();
        pool.shutdownNow();
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code count} GETs of {@code path} sent at once, each on its own connection if need be. */
    private List<HttpResponse<String>> flood(String path, int count) {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        return calls.stream().map(CompletableFuture::join).toList();
    }

    private Map<String, Object> body(HttpResponse<String> r) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = json.readValue(r.body(), Map.class);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertTooMany(HttpResponse<String> r, String limit, String retryAfter) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue(retryAfter);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(body(r)).containsEntry("type", "urn:limiter:problem:rate-limited").containsEntry("status", 429)
                .containsEntry("limit", limit).containsEntry("retryAfter", Integer.parseInt(retryAfter));
    }

    @Test
    void aFloodOfReadsBeyondTheCapGets429NeverA5xxAndHealthStaysUp() {
        // Health polled the whole time the flood runs, on its own thread.
        CompletableFuture<List<Integer>> health = CompletableFuture.supplyAsync(() -> {
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                codes.add(get("/health").statusCode());
            }
            return codes;
        }, pool);

        List<HttpResponse<String>> answers;
        try (Permit full = holder.limiter(READS).acquire(2, Duration.ofSeconds(5))) {
            answers = new ArrayList<>(flood("/api/limits", FLOOD));
            answers.addAll(flood("/api/limits/" + READS, 5));
            answers.addAll(flood("/api/instances", 5));
            assertThat(get("/prometheus").statusCode()).isEqualTo(200);
            assertThat(get("/api/schema").statusCode()).isEqualTo(200);
            assertThat(get("/").statusCode()).isEqualTo(200);
        }
        assertThat(answers).hasSize(FLOOD + 10).allSatisfy(r -> assertTooMany(r, READS, "1"));
        assertThat(health.join()).as("/health during the flood").containsOnly(200);

        // One permit free: a flood is served or refused, never failed.
        try (Permit half = holder.limiter(READS).acquire(1, Duration.ofSeconds(5))) {
            List<HttpResponse<String>> mixed = flood("/api/limits", FLOOD);
            assertThat(mixed).extracting(HttpResponse::statusCode).containsAnyOf(200).allMatch(c -> c == 200 || c == 429);
            mixed.stream().filter(r -> r.statusCode() == 429).forEach(r -> assertTooMany(r, READS, "1"));
        }

        HttpResponse<String> ok = get("/api/limits");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("RateLimit-Policy"))
                .hasValue("\"" + READS + "\";q=2;qu=\"concurrent-requests\"");
        // Every permit taken by a request was given back.
        await().atMost(Duration.ofSeconds(5)).until(() -> holder.limiter(READS).tryAcquire(2).map(p -> {
            p.close();
            return true;
        }).orElse(false));
    }

    /** Opens a dashboard stream and waits for its first event; the caller closes it. */
    private Stream<String> openStream() throws Exception {
        HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(server.getURL()
                + "/api/limits/stream")).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("RateLimit-Policy"))
                .hasValue("\"" + STREAMS + "\";q=2;qu=\"concurrent-requests\"");
        Iterator<String> lines = r.body().iterator();
        CompletableFuture<Boolean> snapshot = CompletableFuture.supplyAsync(() -> {
            while (lines.hasNext()) {
                if (lines.next().equals("event: snapshot")) {
                    return true;
                }
            }
            return false;
        }, pool);
        assertThat(snapshot.get(10, TimeUnit.SECONDS)).isTrue();
        return r.body();
    }

    @Test
    void streamsBeyondTheCapGet429UntilOneCloses() throws Exception {
        Stream<String> first = openStream();
        try (Stream<String> second = openStream()) {
            List<HttpResponse<String>> refused = flood("/api/limits/stream", 10);
            assertThat(refused).allSatisfy(r -> assertTooMany(r, STREAMS, "5"));
            assertThat(get("/health").statusCode()).isEqualTo(200);
            assertThat(get("/api/limits").statusCode()).as("reads have their own cap").isEqualTo(200);

            first.close(); // the client goes away: its permit comes back
            await().atMost(Duration.ofSeconds(10)).until(() -> holder.limiter(STREAMS).tryAcquire().map(p -> {
                p.close();
                return true;
            }).orElse(false));
            openStream().close();
        }
    }

    @Test
    void theServersOwnLimitsAreDefinedAtStartAndCannotBeDeleted() {
        HttpResponse<String> reads = get("/api/limits/" + READS);
        assertThat(reads.statusCode()).isEqualTo(200);
        assertThat(body(reads).get("policy")).isEqualTo(Map.of("permits", 2, "lease", "PT15S"));
        assertThat(body(get("/api/limits/" + STREAMS)).get("policy")).isEqualTo(Map.of("permits", 2, "lease", "PT15S"));

        HttpResponse<String> delete;
        try {
            delete = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/api/limits/" + READS))
                    .header("Authorization", "Bearer " + Api.TOKEN).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(delete.statusCode()).isEqualTo(400);
        assertThat(body(delete)).containsEntry("field", "name").containsEntry("detail", "name must not start with "
                + "'limiter-admin-' (the admin server's own limits cannot be deleted; change them with PUT or in its "
                + "configuration), was '" + READS + "'");
        assertThat(get("/api/limits/" + READS).statusCode()).isEqualTo(200);
    }

    /**
     * Redis down: the caps fail open, so the dashboard stream still opens and shows the outage, reads answer the
     * server's own 503 (redis-unavailable, not the filter's), and /health answers DOWN at once rather than hanging.
     */
    @Test
    void withRedisDownTheStreamStillOpensAndShowsTheOutage() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                EmbeddedServer down = ApplicationContext.run(EmbeddedServer.class, Map.of(
                        "limiter.redis-uri", redis.uri(),
                        "limiter.admin-token", Api.TOKEN,
                        "limiter.command-timeout", "500ms",
                        "limiter.connect-timeout", "500ms",
                        "limiter.sample-interval", "200ms",
                        "micronaut.server.port", "-1"))) {
            URI base = down.getURI();
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/api/limits")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            redis.stop();

            HttpResponse<String> read = http.send(HttpRequest.newBuilder(base.resolve("/api/limits")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).isEqualTo(503);
            assertThat(body(read)).containsEntry("type", "urn:limiter:problem:redis-unavailable");

            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(
                    base.resolve("/api/limits/stream")).build(), HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = stream.body()) {
                assertThat(stream.statusCode()).isEqualTo(200);
                Iterator<String> it = lines.iterator();
                CompletableFuture<Boolean> outage = CompletableFuture.supplyAsync(() -> {
                    while (it.hasNext()) {
                        if (it.next().contains("\"redisUp\":false")) {
                            return true;
                        }
                    }
                    return false;
                }, pool);
                assertThat(outage.get(15, TimeUnit.SECONDS)).isTrue();
            }
            long start = System.nanoTime();
            int health = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
            assertThat(health).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
