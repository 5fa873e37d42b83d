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
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard stream over plain HTTP, with reads protected: the token (as {@code access_token}, since an
 * {@code EventSource} cannot send headers), the event format, the rate of events, and one sampler read shared by
 * every open stream.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitStreamIT implements TestPropertyProvider {
    private static final String PREFIX = "stream" + UUID.randomUUID().toString().substring(0, 6);

    @Inject
    EmbeddedServer server;

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    private final java.net.http.HttpClient raw = java.net.http.HttpClient.newHttpClient();

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", RedisExtension.shared().uri(),
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.protect-reads", "true",
                "limiter.sample-interval", "200ms");
    }

    /** One server-sent event. */
    record Sse(String name, Map<String, Object> data) {
        Instant at() {
            return Instant.parse((String) data.get("at"));
        }
    }

    @Test
    void withProtectedReadsTheStreamNeedsTheTokenInTheHeaderOrAsAccessToken() throws Exception {
        assertThat(status("/api/limits/stream", null)).isEqualTo(401);
        assertThat(status("/api/limits/stream?access_token=wrong", null)).isEqualTo(403);
        assertThat(status("/api/limits/stream", "Bearer " + Api.TOKEN)).isEqualTo(200);
        assertThat(status("/api/limits/stream?access_token=" + Api.TOKEN, null)).isEqualTo(200);
        // Only the stream takes the token from the query.
        assertThat(status("/api/limits?access_token=" + Api.TOKEN, null)).isEqualTo(401);
    }

    @Test
    void streamsStartWithASnapshotThenShareOneUpdatePerTickAtMostAboutOncePerSecond() throws Exception {
        String name = "stream-" + UUID.randomUUID().toString().substring(0, 8);
        Api api = new Api(http, json);
        assertThat(api.put("/api/limits/" + name, "{\"permits\": 4, \"lease\": \"10s\"}").status()).isEqualTo(201);
        try {
            List<CompletableFuture<List<Sse>>> streams = new ArrayList<>();
            List<List<Sse>> all = new ArrayList<>();
            ExecutorService readers = Executors.newFixedThreadPool(3);
            try {
                for (int i = 0; i < 3; i++) {
                    streams.add(CompletableFuture.supplyAsync(() -> read(4), readers));
                }
                for (CompletableFuture<List<Sse>> s : streams) {
                    all.add(s.get(30, TimeUnit.SECONDS));
                }
            } finally {
                readers.shutdownNow();
            }
            Set<Instant> common = null;
            for (List<Sse> events : all) {
                assertThat(events.get(0).name()).isEqualTo("snapshot");
                assertThat(events.subList(1, 4)).extracting(Sse::name).containsOnly("update");
                for (Sse e : events) {
                    assertThat(e.data()).containsEntry("redisUp", true).containsKey("limits");
                }
                assertThat(frame(events.get(3), name)).containsKeys("summary", "readAt", "rates", "holders",
                        "counters");
                // Sampling every 200 ms, yet updates come at most about once per second.
                for (int i = 2; i < 4; i++) {
                    assertThat(Duration.between(events.get(i - 1).at(), events.get(i).at()))
                            .isGreaterThanOrEqualTo(Duration.ofMillis(800));
                }
                Set<Instant> ticks = new HashSet<>();
                events.subList(1, 4).forEach(e -> ticks.add(e.at()));
                if (common == null) {
                    common = ticks;
                } else {
                    common.retainAll(ticks);
                }
            }
            // The streams were opened together: they got the very same ticks, i.e. one read served them all.
            assertThat(common).isNotEmpty();
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = (Map<String, Object>) frame(all.get(0).get(3), name).get("summary");
            assertThat(summary).containsEntry("name", name).containsEntry("permitsCap", 4)
                    .containsEntry("permitsInUse", 0).containsEntry("saturated", false);
            assertThat(frame(all.get(0).get(3), name).get("holders")).isEqualTo(List.of());
        } finally {
            api.delete("/api/limits/" + name);
        }
    }

    private int status(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<Stream<String>> r = raw.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        r.body().close();
        return r.statusCode();
    }

    /** Opens a stream with the token as {@code access_token} and reads its first {@code count} events. */
    private List<Sse> read(int count) {
        try {
            HttpResponse<Stream<String>> r = raw.send(HttpRequest.newBuilder(
                    URI.create(server.getURL() + "/api/limits/stream?access_token=" + Api.TOKEN)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/event-stream"));
            List<Sse> events = new ArrayList<>();
            try (Stream<String> lines = r.body()) {
                Iterator<String> it = lines.iterator();
                String event = null;
                StringBuilder data = new StringBuilder();
                while (events.size() < count && it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    } else if (line.isEmpty() && data.length() > 0) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> parsed = json.readValue(data.toString(), Map.class);
                        events.add(new Sse(event, parsed));
                        event = null;
                        data.setLength(0);
                    }
                }
            }
            return events;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> frame(Sse event, String name) {
        List<Map<String, Object>> limits = (List<Map<String, Object>>) event.data().get("limits");
        return limits.stream().filter(l -> name.equals(((Map<String, Object>) l.get("summary")).get("name")))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in " + event));
    }
}
