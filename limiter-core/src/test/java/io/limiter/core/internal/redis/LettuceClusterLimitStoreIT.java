package io.limiter.core.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitKeys;
import io.limiter.core.LimitPolicy;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.testing.LocalRedisCluster;
import io.limiter.testing.RedisProcess;
import io.limiter.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The backend contract on a real Redis Cluster (3 masters, 3 replicas): every script touches one slot (a
 * {@code CROSSSLOT} error would fail the call), notifications travel by sharded pub/sub, listing scans every
 * master. Plus 200 limits spread over all shards. The same Lettuce backend as {@link LettuceLimitStoreIT}, on a
 * cluster URI.
 */
class LettuceClusterLimitStoreIT extends LettuceLimitStoreIT {
    private LocalRedisCluster cluster;

    @Override
    protected String redisUri(TestRedis testRedis) {
        cluster = LocalRedisCluster.start(3, 1);
        return cluster.uri();
    }

    @Override
    protected void stopRedis() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoHundredLimitsSpreadOverEveryMasterWorkWithoutCrossSlotErrors() {
        KeySchema keys = store().keySchema();
        LimitPolicy policy = LimitPolicy.builder().concurrency(2).lease(Duration.ofSeconds(30))
                .rate(100, Duration.ofSeconds(1)).build();
        List<String> names = new ArrayList<>();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = "spread-" + i;
            names.add(name);
            calls.add(store().define(name, policy));
        }
        calls.forEach(CompletableFuture::join);
        Map<Integer, Integer> perMaster = new HashMap<>();
        for (String name : names) {
            AcquireResult granted = store().acquire(name, "p-" + name, 2, "owner-1").join();
            assertThat(granted.granted()).as(name).isTrue();
            AcquireResult full = store().acquire(name, "q-" + name, 1, "owner-2").join();
            assertThat(full.granted()).as(name + " is full").isFalse();
            assertThat(store().state(name, 10).join().orElseThrow().holders()).hasSize(1);
            store().release(name, "p-" + name, false).join();
            perMaster.merge(cluster.masterOf(keys.keys(name).get(0)).port(), 1, Integer::sum);
        }
        assertThat(perMaster).as("limits per master port").hasSize(3)
                .allSatisfy((port, count) -> assertThat(count).isGreaterThan(40));
        assertThat(store().list().join()).containsAll(names);
        System.out.println("200 limits on a 3-master cluster, limits per master: " + perMaster);
    }

    @Test
    void theKeysOfOneKeyedLimitSpreadOverEveryMaster() {
        KeySchema keys = store().keySchema();
        store().define("per-tenant", LimitPolicy.builder().concurrency(1).rate(100, Duration.ofSeconds(1))
                .keyed(true).build()).join();
        Map<Integer, Integer> perMaster = new HashMap<>();
        for (int i = 0; i < 150; i++) {
            String key = LimitKeys.nameOf("per-tenant", "tenant " + i);
            List<AcquireRequest> one = List.of(new AcquireRequest("p", 1, ""));
            ExchangeResult r = store().exchange(new ExchangeRequest(key, "me", Duration.ZERO, List.of(), false, one,
                    false)).join();
            assertThat(r.acquired(0).granted()).as(key).isTrue();
            assertThat(store().exchange(new ExchangeRequest(key, "me", Duration.ZERO, List.of(), false,
                    List.of(new AcquireRequest("q", 1, "")), false)).join().acquired(0).granted()).isFalse();
            perMaster.merge(cluster.masterOf(keys.keys(key).get(0)).port(), 1, Integer::sum);
        }
        assertThat(perMaster).as("keys per master port").hasSize(3)
                .allSatisfy((port, count) -> assertThat(count).isGreaterThan(25));
        System.out.println("150 keys of one keyed limit on a 3-master cluster, keys per master: " + perMaster);
    }

    @Test
    void aFreshClientsFirstListingCompletesAndItClosesPromptly() throws Exception {
        // Lettuce's cluster scan opens the next master's connection synchronously; run on a Netty event loop
        // (the previous page's callback) it could wait for itself forever, and close() then hung too.
        store().define("listed", LimitPolicy.builder().concurrency(1).build()).join();
        for (int i = 0; i < 8; i++) {
            LettuceBackend fresh = LettuceBackend.create(cluster.uri());
            try {
                LimitStore s = new LimitStore(fresh, store().keySchema());
                assertThat(s.list().get(20, TimeUnit.SECONDS)).as("listing %d", i).contains("listed");
            } finally {
                long start = System.nanoTime();
                fresh.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void nodesAreRealClusterMembers() {
        for (RedisProcess node : cluster.nodes()) {
            assertThat(node.info("cluster")).contains("cluster_enabled:1");
        }
        assertThat(cluster.masters()).hasSize(3);
    }
}
