package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.core.LimitPolicy;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fair limits: arrival order across instances, no starvation, and no thundering herd. */
@ExtendWith(RedisExtension.class)
class FairnessIT {
    private static final String PREFIX = "fair" + UUID.randomUUID().toString().substring(0, 6);
    private final TestRedis redis;

    FairnessIT(TestRedis redis) {
        this.redis = redis;
    }

    private static String name() {
        return "fair-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aRareInstanceIsNotStarvedByAFloodingOne() throws Exception {
        String name = name();
        LimitPolicy policy = LimitPolicy.builder().concurrency(2).lease(Duration.ofSeconds(30)).fair(true).build();
        try (LimiterClient flood = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX)
                .instanceId("flood").build();
                LimiterClient rare = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX)
                        .instanceId("rare").build()) {
            flood.define(name, policy);
            DistributedLimiter floodLimiter = flood.limiter(name);
            DistributedLimiter rareLimiter = rare.limiter(name);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            ExecutorService pool = Executors.newFixedThreadPool(12);
            AtomicInteger floodTasks = new AtomicInteger();
            for (int t = 0; t < 12; t++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        try (Permit p = floodLimiter.acquire(Duration.ofSeconds(20))) {
                            Thread.sleep(20);
                            floodTasks.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            List<Long> waits = new ArrayList<>();
            Thread.sleep(300);
            while (System.nanoTime() < end - TimeUnit.MILLISECONDS.toNanos(300)) {
                long s = System.nanoTime();
                rareLimiter.acquire(Duration.ofSeconds(20)).close();
                waits.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s));
                Thread.sleep(200);
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            long max = waits.stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("fair cap 2: flood (12 threads) ran %d tasks; rare asked %d times, waits max %d ms, %s%n",
                    floodTasks.get(), waits.size(), max, waits);
            assertThat(waits).hasSizeGreaterThanOrEqualTo(8);
            // At most 12 flood tickets can be ahead, each served in ~20 ms by 2 permits: ~120 ms, plus overhead.
            assertThat(max).isLessThan(1500);
        }
    }

    @Test
    void oneReleaseWithFiftyWaitersInThreeJvmsCostsOneAcquireAttempt() throws Exception {
        String name = name();
        try (LettuceBackend backend = LettuceBackend.create(redis.uri())) {
            LimitStore store = new LimitStore(backend, new KeySchema(PREFIX));
            store.define(name, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).fair(true).build())
                    .join();
            assertThat(store.acquire(name, "holder", 1, "test").join().granted()).isTrue();

            List<Process> children = new ArrayList<>();
            List<String> lines = new CopyOnWriteArrayList<>();
            int[] counts = {17, 17, 16};
            for (int i = 0; i < 3; i++) {
                Process p = ChildWorker.spawnAs("jvm-" + i, "wait", redis.uri(), PREFIX, name,
                        Integer.toString(counts[i]));
                children.add(p);
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (java.io.IOException ignored) {
                        // child killed
                    }
                });
                reader.setDaemon(true);
                reader.start();
            }
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().filter("QUEUED"::equals).count() == 3);
                await().atMost(Duration.ofSeconds(10)).until(() -> store.state(name, 0).join().orElseThrow().queued() == 50);
                Thread.sleep(300);
                long before = attempts(store.state(name, 0).join().orElseThrow());

                assertThat(store.release(name, "holder", false).join()).isTrue();
                await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.startsWith("GOT ")));
                Thread.sleep(1000);
                LimitState after = store.state(name, 0).join().orElseThrow();
                long attempts = attempts(after) - before;
                System.out.printf("fair cap 1, 50 waiters in 3 JVMs: one release -> %d acquire attempt(s), "
                        + "%d granted, %d still queued%n", attempts, lines.stream().filter(l -> l.startsWith("GOT "))
                        .count(), after.queued());
                assertThat(attempts).isEqualTo(1);
                assertThat(lines.stream().filter(l -> l.startsWith("GOT "))).hasSize(1);
                assertThat(after.queued()).isEqualTo(49);
            } finally {
                children.forEach(Process::destroyForcibly);
            }
        }
    }

    private static long attempts(LimitState s) {
        return s.counters().getOrDefault("grants", 0L) + s.counters().getOrDefault("denials", 0L);
    }

    @Test
    void aWaiterThatGivesUpLeavesTheQueueAndTheNextOneIsServed() throws Exception {
        String name = name();
        try (LimiterClient a = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX).instanceId("a").build();
                LimiterClient b = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX).instanceId("b")
                        .build()) {
            a.define(name, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).fair(true).build());
            Permit held = a.limiter(name).acquire(Duration.ofSeconds(1));
            var first = a.limiter(name).acquireAsync(Duration.ofSeconds(30));
            Thread.sleep(200);
            var second = b.limiter(name).acquireAsync(Duration.ofSeconds(30));
            Thread.sleep(200);
            assertThat(b.limiter(name).tryAcquire()).as("no barging past the queue").isEmpty();
            first.cancel(true);
            Thread.sleep(200);
            held.close();
            Permit p = second.get(3, TimeUnit.SECONDS);
            assertThat(p.isValid()).isTrue();
            p.close();
        }
    }
}
