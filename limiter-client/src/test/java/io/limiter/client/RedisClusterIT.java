package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.core.LimitPolicy;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.testing.LocalRedisCluster;
import io.limiter.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The client on a real Redis Cluster of 3 masters and 3 replicas ({@code redis-server} processes): 200 limits
 * spread over every shard keep their caps under concurrency from two clients, release notifications arrive by
 * sharded pub/sub, and when a master is killed its replica takes over and acquiring resumes within a bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {
    private static final int LIMITS = 200;
    private static final int CAP = 2;
    private final String prefix = "cl" + UUID.randomUUID().toString().substring(0, 6);
    private final KeySchema keys = new KeySchema(prefix);
    private LocalRedisCluster cluster;
    private LimiterClient a;
    private LimiterClient b;

    @BeforeAll
    void start() {
        cluster = LocalRedisCluster.start(3, 1);
        a = client("instance-a");
        b = client("instance-b");
        for (int i = 0; i < LIMITS; i++) {
            a.define(limit(i), LimitPolicy.builder().concurrency(CAP).lease(Duration.ofSeconds(30)).build());
        }
    }

    @AfterAll
    void stop() {
        for (LimiterClient c : new LimiterClient[] {a, b}) {
            if (c != null) {
                c.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private LimiterClient client(String instance) {
        return LimiterClient.builder().redisUri(cluster.uri()).keyPrefix(prefix).instanceId(instance).build();
    }

    private static String limit(int i) {
        return "shard-test-" + i;
    }

    private RedisProcess masterOf(String limit) {
        return cluster.masterOf(keys.keys(limit).get(0));
    }

    @Test
    @Order(1)
    void capsHoldOnEveryShardUnderConcurrencyFromTwoClients() throws Exception {
        AtomicIntegerArray running = new AtomicIntegerArray(LIMITS);
        AtomicIntegerArray highest = new AtomicIntegerArray(LIMITS);
        AtomicIntegerArray grants = new AtomicIntegerArray(LIMITS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            LimiterClient client = t % 2 == 0 ? a : b;
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    // Crowd a few limits per round so caps are really contended, and touch every limit over time.
                    int i = ThreadLocalRandom.current().nextInt(10) == 0
                            ? ThreadLocalRandom.current().nextInt(LIMITS) : ThreadLocalRandom.current().nextInt(6);
                    try (Permit p = client.limiter(limit(i)).acquire(Duration.ofSeconds(10))) {
                        int now = running.incrementAndGet(i);
                        highest.accumulateAndGet(i, now, Math::max);
                        grants.incrementAndGet(i);
                        Thread.sleep(ThreadLocalRandom.current().nextInt(1, 4));
                        running.decrementAndGet(i);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Map<Integer, Integer> grantsPerMaster = new TreeMap<>();
        int maxSeen = 0;
        int atCap = 0;
        long total = 0;
        for (int i = 0; i < LIMITS; i++) {
            maxSeen = Math.max(maxSeen, highest.get(i));
            atCap += highest.get(i) == CAP ? 1 : 0;
            total += grants.get(i);
            if (grants.get(i) > 0) {
                grantsPerMaster.merge(masterOf(limit(i)).port(), grants.get(i), Integer::sum);
            }
        }
        System.out.printf("cluster: %d grants over %d limits from 2 clients x 16 threads in 4 s; highest %d at once "
                + "(cap %d), %d limits reached the cap; grants per master port %s%n", total, LIMITS, maxSeen, CAP,
                atCap, grantsPerMaster);
        assertThat(maxSeen).as("most holders of any one limit at once").isLessThanOrEqualTo(CAP);
        assertThat(atCap).as("limits that were really contended").isGreaterThanOrEqualTo(3);
        assertThat(grantsPerMaster).as("every master served grants").hasSize(3);
        for (int i = 0; i < LIMITS; i++) {
            assertThat(a.limiter(limit(i)).heldCount()).isZero();
        }
    }

    @Test
    @Order(2)
    void aReleaseWakesAWaiterOfAnotherClientAtOnce() throws Exception {
        for (RedisProcess master : cluster.masters()) {
            String name = limitOn(master);
            Duration waited = FailoverProbe.wokenAfterRelease(a, b, name, CAP);
            System.out.printf("cluster: waiter on %s (master port %d) woken %d ms after the release%n", name,
                    master.port(), waited.toMillis());
            assertThat(waited).as("woken by the notification, not by the 30 s lease running out")
                    .isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    @Order(3)
    void whenAMasterIsKilledItsReplicaTakesOverAndAcquiringResumes() throws Exception {
        String name = limit(0);
        RedisProcess victim = masterOf(name);
        String other = limitOnOtherMasterThan(victim);
        Duration resumedAfter;
        int failures;
        FailoverProbe otherShard = new FailoverProbe(a.limiter(other), 5);
        try (FailoverProbe probe = new FailoverProbe(a.limiter(name), 0); otherShard) {
            sleep(500);
            assertThat(probe.failures()).as("failures before the kill").isZero();
            victim.kill();
            probe.faultNow(); // only acquires started after the master is gone count
            resumedAfter = probe.awaitResumed(Duration.ofSeconds(30));
            failures = probe.failures();
        }
        // Every node's view converges on the promoted replica.
        RedisProcess promoted = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> masterOf(name), m -> m.port() != victim.port());
        System.out.printf("cluster failover: master port %d killed; limit %s acquired again after %d ms on port %d "
                + "(%d failed attempts meanwhile); a limit on another shard: %d grants, %d failures%n",
                victim.port(), name, resumedAfter.toMillis(), promoted.port(), failures, otherShard.successes(),
                otherShard.failures());
        assertThat(resumedAfter).as("time from the kill to the next grant").isLessThan(Duration.ofSeconds(15));

        // Notifications follow the shard to its new master.
        Duration waited = FailoverProbe.wokenAfterRelease(a, b, name, CAP);
        System.out.printf("cluster failover: waiter woken %d ms after a release on the new master%n",
                waited.toMillis());
        assertThat(waited).isLessThan(Duration.ofSeconds(3));
    }

    private String limitOn(RedisProcess master) {
        for (int i = 1; i < LIMITS; i++) {
            if (masterOf(limit(i)).port() == master.port()) {
                return limit(i);
            }
        }
        throw new IllegalStateException("no limit on master " + master.port());
    }

    private String limitOnOtherMasterThan(RedisProcess master) {
        Optional<RedisProcess> other = cluster.masters().stream().filter(m -> m.port() != master.port()).findFirst();
        return limitOn(other.orElseThrow());
    }

    private static void sleep(long ms) {
        FailoverProbe.sleep(ms);
    }
}
