package io.limiter.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.testing.LocalRedisCluster;
import io.limiter.testing.RedisProcess;
import io.limiter.testing.TcpProxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The pub/sub connections open with the first command connection, not on a limit's first subscription: a limit's
 * first waiters queue until its channel is subscribed, and opening connections then took 0.4 to 3 s in a fresh
 * client process of a loaded machine (issue #18: on the cluster, three fresh processes made no grant in a whole 3 s
 * window), where a subscription over open connections is one round trip.
 */
class LettucePubSubWarmUpIT {
    private static final Pattern CMD = Pattern.compile(" cmd=(\\S+)");
    private static final Pattern TOPOLOGY_OR_LISTING = Pattern.compile("cluster\\|.*|client\\|list|info");

    @Test
    void standaloneOpensItsPubSubConnectionWithTheFirstCommand() {
        try (RedisProcess redis = RedisProcess.start(); TcpProxy proxy = TcpProxy.to(redis.port())) {
            LettuceBackend backend = LettuceBackend.create(proxy.uri());
            try {
                Optional<LimitState> none = new LimitStore(backend, new KeySchema("warm")).state("absent", 0).join();
                assertThat(none).isEmpty();
                // Nothing subscribed yet: only the command connection and the pub/sub connection beside it.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(proxy.accepted())
                        .as("connections opened by one command, no subscription").isEqualTo(2));
            } finally {
                backend.close();
            }
        }
    }

    @Test
    void clusterOpensAPubSubConnectionToEveryMasterWithTheFirstCommand() {
        RedisClient admin = RedisClient.create();
        try (LocalRedisCluster cluster = LocalRedisCluster.start(3, 0)) {
            List<RedisProcess> masters = cluster.masters();
            Map<Integer, Integer> before = new HashMap<>();
            masters.forEach(m -> before.put(m.port(), kept(admin, m)));
            LettuceBackend backend = LettuceBackend.create(cluster.uri());
            try {
                assertThat(new LimitStore(backend, new KeySchema("warm")).state("absent", 0).join()).isEmpty();
                // One limit's command reaches one master; the pub/sub node connections reach every master, ready for
                // whichever shard a limit's channel lives on.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    for (RedisProcess m : masters) {
                        assertThat(kept(admin, m) - before.get(m.port()))
                                .as("connections the backend keeps open at master port %d", m.port())
                                .isGreaterThanOrEqualTo(1);
                    }
                });
            } finally {
                backend.close();
            }
        } finally {
            admin.shutdown();
        }
    }

    /**
     * Client connections at {@code node} other than topology reads (the cluster support's own and Lettuce's
     * refreshes, which close again) and this listing.
     */
    private static int kept(RedisClient admin, RedisProcess node) {
        try (StatefulRedisConnection<String, String> c = admin.connect(RedisURI.create(node.uri()))) {
            int n = 0;
            for (String line : c.sync().clientList().split("\n")) {
                Matcher m = CMD.matcher(line);
                if (m.find() && !TOPOLOGY_OR_LISTING.matcher(m.group(1)).matches()) {
                    n++;
                }
            }
            return n;
        }
    }
}
