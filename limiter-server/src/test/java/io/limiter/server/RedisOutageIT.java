package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.testing.RedisProcess;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis stopped under the server: 503 problems with a clear message, health DOWN, and recovery once it is back. */
class RedisOutageIT {

    @Test
    void redisDownGives503AndTheServerRecoversWhenItIsBack() {
        try (RedisProcess redis = RedisProcess.start();
                EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                        "limiter.redis-uri", redis.uri(),
                        "limiter.admin-token", Api.TOKEN,
                        "limiter.command-timeout", "500ms",
                        "limiter.connect-timeout", "500ms",
                        "limiter.sample-interval", "200ms",
                        "limiter.limits.kept.permits", "2",
                        "micronaut.server.port", "-1"));
                HttpClient http = server.getApplicationContext().createBean(HttpClient.class, server.getURL())) {
            Api api = new Api(http, server.getApplicationContext().getBean(JsonMapper.class));
            assertThat(api.put("/api/limits/outage", "{\"permits\": 2}").status()).isEqualTo(201);
            assertThat(api.get("/api/limits/outage").status()).isEqualTo(200);

            redis.stop();
            long start = System.nanoTime();
            Api.Reply down = api.get("/api/limits/outage");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(down.status()).as(down.toString()).isEqualTo(503);
            assertThat(down.contentType()).isEqualTo("application/problem+json");
            assertThat(down.map()).containsEntry("type", "urn:limiter:problem:redis-unavailable");
            assertThat((String) down.map().get("detail")).contains("Redis at redis://127.0.0.1:" + redis.port());
            assertThat(down.body()).doesNotContain("\tat ").doesNotContain("Exception:");
            assertThat(tookMs).isLessThan(5000);
            assertThat(api.get("/api/limits").status()).isEqualTo(503);
            assertThat(api.put("/api/limits/other", "{\"permits\": 1}").status()).isEqualTo(503);
            Api.Reply health = api.call(io.micronaut.http.HttpRequest.GET("/health").bearerAuth(Api.TOKEN));
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body()).contains("\"redis\"").contains("DOWN");

            redis.restart(); // back, but empty
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(api.get("/health").status()).isEqualTo(200));
            assertThat(api.get("/api/limits/outage").status()).isEqualTo(404);
            // The declared limit vanished with the data and is defined again by the server.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(api.get("/api/limits/kept").status()).isEqualTo(200));
            assertThat(api.put("/api/limits/outage", "{\"permits\": 2}").status()).isEqualTo(201);
        }
    }
}
