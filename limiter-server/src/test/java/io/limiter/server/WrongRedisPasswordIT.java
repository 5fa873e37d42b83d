package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.testing.RedisProcess;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A wrong Redis password (#15 item 13) is named as such in the health and the 503 detail, and the start is fast. */
class WrongRedisPasswordIT {

    /** Connections Redis has accepted so far (INFO stats), each refused by its password check here. */
    private static long connections(StatefulRedisConnection<String, String> admin) {
        return admin.sync().info("stats").lines().filter(l -> l.startsWith("total_connections_received:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    }

    @Test
    void aWrongPasswordIsReportedAsAuthenticationFailedAndDoesNotSlowTheStart() {
        try (RedisProcess redis = RedisProcess.start()) {
            assertThat(redis.command("CONFIG", "SET", "requirepass", "right")).isEqualTo("+OK");
            String uri = "redis://default:WRONG@127.0.0.1:" + redis.port();
            RedisClient adminClient = RedisClient.create("redis://default:right@127.0.0.1:" + redis.port());
            StatefulRedisConnection<String, String> admin = adminClient.connect();
            long connectionsBefore = connections(admin);
            long start = System.nanoTime();
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "limiter.redis-uri", uri,
                    "limiter.admin-token", Api.TOKEN,
                    "micronaut.server.port", "-1",
                    "limiter.sample-interval", "1h",
                    "limiter.limits.one.permits", "2",
                    "limiter.limits.two.permits", "2",
                    "limiter.limits.three.permits", "2",
                    // More limits declared through the self-protection's client (besides its two limiter-admin-*).
                    "limiter.client.limits.four.permits", "2",
                    "limiter.client.limits.five.permits", "2",
                    "limiter.client.limits.six.permits", "2"));
                    HttpClient client = HttpClient.create(server.getURL())) {
                long startMs = (System.nanoTime() - start) / 1_000_000;
                // At most one refused connection at start for the server's declared limits, one for the declared limits
                // of its self-protection's client and one for that client's first heartbeat (fewer when two coincide),
                // not one (with its wait) per declared limit (eight here).
                assertThat(connections(admin) - connectionsBefore).as("connections tried at start").isBetween(1L, 3L);
                assertThat(startMs).as("start-up time").isLessThan(15_000);
                Api api = new Api(client, server.getApplicationContext().getBean(JsonMapper.class));

                Api.Reply list = api.get("/api/limits");
                assertThat(list.status()).isEqualTo(503);
                assertThat(list.map()).containsEntry("type", "urn:limiter:problem:redis-unavailable");
                assertThat((String) list.map().get("detail")).contains(LettuceBackend.AUTHENTICATION_FAILED)
                        .contains("WRONGPASS").doesNotContain("WRONG@");

                Api.Reply health = api.call(HttpRequest.GET("/health").bearerAuth(Api.TOKEN));
                assertThat(health.status()).isEqualTo(503);
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) ((Map<String, Object>) health.map().get("details"))
                        .get("redis");
                @SuppressWarnings("unchecked")
                Map<String, Object> details = (Map<String, Object>) r.get("details");
                assertThat((String) details.get("error")).contains(LettuceBackend.AUTHENTICATION_FAILED);
                assertThat(api.get("/health").map()).isEqualTo(Map.of("status", "DOWN"));
            } finally {
                admin.close();
                adminClient.shutdown();
            }
        }
    }
}
