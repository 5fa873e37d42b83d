package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.server.ops.LimitSampler;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The connection settings of issue #15: idle and half-sent connections are closed after
 * {@code micronaut.server.idle-timeout} (here 1 s) while a quiet dashboard stream stays open on its keep-alive events;
 * the bind address setting; {@code /prometheus} protected like every read with {@code limiter.protect-reads}.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSettingsIT implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Inject
    EmbeddedServer server;

    @Inject
    LimitSampler sampler;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", RedisExtension.shared().uri(),
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", "set" + UUID.randomUUID().toString().substring(0, 6),
                "limiter.sample-interval", "1h",
                "limiter.protect-reads", "true",
                "limiter.stream-keep-alive", "300ms",
                "micronaut.server.idle-timeout", "1s",
                "micronaut.server.host", "127.0.0.1");
    }

    /** Milliseconds until the server closes {@code s}, having sent {@code request}; at most 10 s. */
    private static long millisUntilClosed(Socket s, String request) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
            // the response, if any
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aHalfSentRequestIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
            long ms = millisUntilClosed(s, "GET /health HTTP/1.1\r\nHost: x\r\n");
            assertThat(ms).isBetween(700L, 6_000L);
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
            long ms = millisUntilClosed(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ms).isBetween(700L, 6_000L);
        }
    }

    @Test
    void aQuietStreamStaysOpenOnItsKeepAliveEvents() throws Exception {
        sampler.sample(); // the first event is the last tick
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
            s.getOutputStream().write(("GET /api/limits/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + Api.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String got = RawHttp.readFor(s.getInputStream(), 3_500); // 3.5 idle timeouts, no sampler tick
            assertThat(got).startsWith("HTTP/1.1 200").contains("event: snapshot").contains("event: keep-alive");
            String later = RawHttp.readFor(s.getInputStream(), 1_000);
            assertThat(later).contains("event: keep-alive");
        }
    }

    @Test
    void theBindAddressIsTheConfiguredOne() {
        assertThat(server.getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void prometheusIsProtectedLikeEveryReadAndHealthStaysOpen() {
        Api api = new Api(http, json);
        Api.Reply anonymous = api.get("/prometheus");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).isEqualTo("application/problem+json");
        assertThat(api.call(HttpRequest.GET("/prometheus").bearerAuth(Api.TOKEN)).status()).isEqualTo(200);
        assertThat(api.get("/health").map()).isEqualTo(Map.of("status", "UP"));
    }
}
