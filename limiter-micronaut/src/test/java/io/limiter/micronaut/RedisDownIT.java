package io.limiter.micronaut;

import static io.limiter.micronaut.TestSupport.body;
import static io.limiter.micronaut.TestSupport.fetch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.testing.RedisProcess;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The filter while its Redis is down: per limit, 503 (fail-closed) or through (fail-open); back when Redis is. */
class RedisDownIT {

    @Test
    void failClosedAnswers503AndFailOpenLetsThrough() {
        try (RedisProcess redis = RedisProcess.start()) {
            Map<String, Object> p = TestSupport.clientProperties(TestSupport.uniquePrefix("down"));
            p.put("limiter.client.redis-uri", redis.uri());
            p.put("limiter.client.connect-timeout", "1s");
            p.put("limiter.client.command-timeout", "1s");
            p.put("limiter.client.limits.closed.permits", "5");
            p.put("limiter.client.limits.open.permits", "5");
            p.put("limiter.client.limits.open.redis-down-policy", "fail-open");
            p.put("limiter.http.routes.closed.paths", "/api/closed");
            p.put("limiter.http.routes.open.paths", "/api/open-when-down");
            p.put("limiter.http.routes.open.limit", "open");
            p.put("endpoints.health.details-visible", "ANONYMOUS");
            try (EmbeddedServer s = ApplicationContext.run(EmbeddedServer.class, p);
                    HttpClient h = HttpClient.create(s.getURL())) {
                // On a busy machine the first define may time out; it is tried again every 5 s.
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> fetch(h.toBlocking(), "/api/closed").code() == 200);
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> fetch(h.toBlocking(), "/api/open-when-down").code() == 200);
                redis.stop();
                HttpResponse<String> closed = fetch(h.toBlocking(), "/api/closed");
                assertThat(closed.code()).isEqualTo(503);
                assertThat(body(closed)).contains("\"type\":\"urn:limiter:problem:limiter-unavailable\"")
                        .doesNotContain("Exception").doesNotContain(redis.uri());
                HttpResponse<String> open = fetch(h.toBlocking(), "/api/open-when-down");
                assertThat(open.code()).isEqualTo(200);
                assertThat(open.header("RateLimit")).isNull(); // nothing known to show
                HttpResponse<String> health = fetch(h.toBlocking(), "/health");
                assertThat(health.code()).isEqualTo(503);
                assertThat(body(health)).contains("\"limiter\":{\"name\":\"application\",\"status\":\"DOWN\"");
                redis.restart();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> fetch(h.toBlocking(), "/api/closed").code() == 200);
            }
        }
    }
}
