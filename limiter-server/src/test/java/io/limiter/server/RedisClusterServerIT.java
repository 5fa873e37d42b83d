package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.testing.LocalRedisCluster;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The admin server on a real Redis Cluster (3 masters, 3 replicas): it manages and lists limits on every shard. */
class RedisClusterServerIT {

    @Test
    void theServerListsTwoHundredLimitsSpreadOverEveryShard() {
        try (LocalRedisCluster cluster = LocalRedisCluster.start(3, 1);
                EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                        "limiter.redis-uri", cluster.uri(),
                        "limiter.admin-token", Api.TOKEN,
                        "limiter.limits.declared-on-cluster.permits", "4",
                        "micronaut.server.port", "-1"));
                HttpClient http = server.getApplicationContext().createBean(HttpClient.class, server.getURL())) {
            Api api = new Api(http, server.getApplicationContext().getBean(JsonMapper.class));
            assertThat(api.get("/health").status()).isEqualTo(200);
            List<String> names = IntStream.range(0, 200).mapToObj(i -> "cluster-limit-" + i).toList();
            for (String name : names) {
                Api.Reply created = api.put("/api/limits/" + name, "{\"permits\": 3, \"rate\": 50}");
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
            }
            Api.Reply list = api.get("/api/limits");
            assertThat(list.status()).as(list.toString()).isEqualTo(200);
            Set<Object> listed = list.list().stream().map(l -> l.get("name")).collect(Collectors.toSet());
            // Besides the 200 and the declared one: the server's own caps, which every read above went through.
            assertThat(listed).containsAll(names)
                    .contains("declared-on-cluster", "limiter-admin-reads", "limiter-admin-streams").hasSize(203);
            Set<Integer> masters = names.stream()
                    .map(n -> cluster.masterOf("limiter:{" + n + "}:policy").port()).collect(Collectors.toSet());
            assertThat(masters).as("masters holding the listed limits").hasSize(3);

            Api.Reply one = api.get("/api/limits/cluster-limit-7");
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.body()).contains("\"permits\":3");
            assertThat(api.delete("/api/limits/cluster-limit-7").status()).isEqualTo(204);
            assertThat(api.get("/api/limits/cluster-limit-7").status()).isEqualTo(404);
            assertThat(api.get("/api/limits").list()).hasSize(202);
        }
    }
}
