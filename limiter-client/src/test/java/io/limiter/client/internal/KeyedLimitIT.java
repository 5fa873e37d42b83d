package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimitedExecutor;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keyed limits through the client: a cap per key across instances, policy changes, idle keys leaving nothing. */
@ExtendWith(RedisExtension.class)
class KeyedLimitIT {
    private final String prefix = "keyed" + UUID.randomUUID().toString().substring(0, 6);
    private final TestRedis redis;

    KeyedLimitIT(TestRedis redis) {
        this.redis = redis;
    }

    private LimiterClient client(String id) {
        return LimiterClient.builder().redisUri(redis.uri()).keyPrefix(prefix).instanceId(id).build();
    }

    private static String name() {
        return "k-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void twoInstancesShareEachKeysCapAndNeverExceedIt() throws Exception {
        String family = name();
        List<String> keys = List.of("tenant-a", "tenant-b", "tenant-c");
        try (LimiterClient a = client("a"); LimiterClient b = client("b")) {
            a.define(family, LimitPolicy.builder().concurrency(2).keyed(true).build());
            Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
            AtomicInteger tasks = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(12);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                LimiterClient c = t % 2 == 0 ? a : b;
                String key = keys.get(t % 3);
                done.add(pool.submit(() -> {
                    DistributedLimiter limiter = c.limiter(family).forKey(key);
                    while (System.nanoTime() < end) {
                        try (Permit p = limiter.acquire(Duration.ofSeconds(10))) {
                            int now = running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                            most.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                            Thread.sleep(3);
                            running.get(key).decrementAndGet();
                            tasks.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            System.out.printf("keyed cap 2, 3 keys, 2 instances x 6 threads: %d tasks, most at once per key %s%n",
                    tasks.get(), most);
            assertThat(most).hasSize(3).allSatisfy((k, n) -> assertThat(n.get()).as(k).isEqualTo(2));
            assertThat(tasks.get()).isGreaterThan(100);
        }
    }

    @Test
    void aLimitedExecutorRunsEachTaskUnderItsKeysCap() throws Exception {
        String family = name();
        try (LimiterClient c = client("a")) {
            c.define(family, LimitPolicy.builder().concurrency(2).keyed(true).build());
            Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
            AtomicInteger all = new AtomicInteger();
            AtomicInteger mostOverall = new AtomicInteger();
            try (LimitedExecutor pool = LimitedExecutor.builder(c.limiter(family)).build()) {
                List<java.util.concurrent.CompletableFuture<Void>> done = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String key = i % 2 == 0 ? "even" : "odd";
                    done.add(pool.submit(key, () -> {
                        int now = running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                        most.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                        mostOverall.accumulateAndGet(all.incrementAndGet(), Math::max);
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        all.decrementAndGet();
                        running.get(key).decrementAndGet();
                    }));
                }
                for (java.util.concurrent.CompletableFuture<Void> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(most).allSatisfy((k, n) -> assertThat(n.get()).as(k).isEqualTo(2));
            assertThat(mostOverall.get()).as("both keys' caps used at once").isEqualTo(4);
            assertThatThrownBy(() -> LimitedExecutor.builder(c.limiter(family)).build().submit(() -> null).join())
                    .hasMessageContaining("is keyed");
        }
    }

    @Test
    void theSameKeyIsTheSameObjectAndItsNameIsTheFamilys() {
        String family = name();
        try (LimiterClient c = client("a")) {
            c.define(family, LimitPolicy.builder().rate(10, Duration.ofSeconds(1)).keyed(true).build());
            DistributedLimiter k = c.limiter(family).forKey("tenant/1");
            assertThat(c.limiter(family).forKey("tenant/1")).isSameAs(k);
            assertThat(k.name()).isEqualTo(family);
            assertThat(k.key()).contains("tenant/1");
            assertThat(c.limiter(family).key()).isEmpty();
            assertThat(k.tryAcquire()).isPresent();
            assertThatThrownBy(() -> k.forKey("x")).isInstanceOf(LimiterValidationException.class)
                    .hasMessageContaining("already a key");
            assertThatThrownBy(() -> c.limiter(family).forKey("")).isInstanceOf(LimiterValidationException.class)
                    .hasMessageContaining("key").hasMessageContaining("1 to 256 bytes");
        }
    }

    @Test
    void aKeyedLimitIsNotAcquiredByNameAndAPlainOneHasNoKeys() {
        String family = name();
        String plain = name();
        try (LimiterClient c = client("a")) {
            c.define(family, LimitPolicy.builder().concurrency(1).keyed(true).build());
            c.define(plain, LimitPolicy.builder().concurrency(1).build());
            assertThatThrownBy(() -> c.limiter(family).acquire(Duration.ofSeconds(1)))
                    .isInstanceOf(LimiterValidationException.class).hasMessageContaining("is keyed");
            assertThatThrownBy(() -> c.limiter(plain).forKey("t").tryAcquire())
                    .isInstanceOf(LimiterValidationException.class).hasMessageContaining("is not keyed");
            assertThatThrownBy(() -> c.limiter(name()).forKey("t").acquire(Duration.ofSeconds(1)))
                    .isInstanceOf(UnknownLimitException.class);
        }
    }

    @Test
    void aPolicyChangeMadeByAnotherInstanceReachesEveryKey() {
        String family = name();
        try (LimiterClient a = client("a"); LimiterClient admin = client("admin")) {
            a.define(family, LimitPolicy.builder().concurrency(3).keyed(true).build());
            List<Permit> held = new ArrayList<>();
            for (String key : List.of("x", "y")) {
                held.add(a.limiter(family).forKey(key).acquire(Duration.ofSeconds(5)));
            }
            admin.replace(family, LimitPolicy.builder().concurrency(1).keyed(true).build());
            // Every key is full at the new cap of 1 once this instance read the change (at most ~1 s).
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (String key : List.of("x", "y", "z")) {
                    Optional<Permit> p = a.limiter(family).forKey(key).tryAcquire();
                    if (key.equals("z")) {
                        assertThat(p).as("an unused key gets the new cap's one permit").isPresent();
                        p.get().close();
                    } else {
                        p.ifPresent(Permit::close);
                        assertThat(p).as(key + " is full at the new cap").isEmpty();
                    }
                }
            });
            held.forEach(Permit::close);
        }
    }

    @Test
    void aHeldKeyedPermitIsRenewedPastItsLease() throws Exception {
        String family = name();
        try (LimiterClient a = client("a"); LimiterClient b = client("b")) {
            a.define(family, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(1)).keyed(true).build());
            try (Permit p = a.limiter(family).forKey("t").acquire(Duration.ofSeconds(5))) {
                Thread.sleep(2_500); // two and a half leases: only renewal keeps the permit
                assertThat(b.limiter(family).forKey("t").tryAcquire()).as("still held").isEmpty();
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> b.limiter(family).forKey("t").tryAcquire().map(x -> { x.close(); return x; })
                            .isPresent());
        }
    }

    @Test
    void aThousandKeysUsedOnceLeaveNothingInRedisOrInTheClient() throws Exception {
        String family = name();
        try (LimiterClient c = client("a")) {
            c.define(family, LimitPolicy.builder().concurrency(2).keyed(true).build());
            for (int i = 0; i < 1_000; i++) {
                c.limiter(family).forKey("user-" + i).tryAcquire().orElseThrow().close();
            }
            DefaultLimiterClient d = (DefaultLimiterClient) c;
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                d.dropIdleKeys();
                return d.keyLimiters() == 0;
            });
            assertThat(redisKeys(prefix + ":{" + family + "/*")).as("Redis keys of the family's keys").isEmpty();
        }
    }

    private List<String> redisKeys(String pattern) {
        RedisClient raw = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> conn = raw.connect()) {
            List<String> found = new ArrayList<>();
            ScanIterator.scan(conn.sync(), ScanArgs.Builder.matches(pattern).limit(1000)).forEachRemaining(found::add);
            return found;
        } finally {
            raw.shutdown();
        }
    }
}
