package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitPolicy;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cap holds under real concurrency: many threads, several JVMs, and a holder killed with SIGKILL. */
@ExtendWith(RedisExtension.class)
class ConcurrencyCapIT {
    private static final String PREFIX = "cap" + UUID.randomUUID().toString().substring(0, 6);
    private final TestRedis redis;

    ConcurrencyCapIT(TestRedis redis) {
        this.redis = redis;
    }

    private static String name() {
        return "cap-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void sixtyFourThreadsNeverExceedACapOfFive() throws Exception {
        String name = name();
        try (LimiterClient client = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX).build()) {
            client.define(name, LimitPolicy.builder().concurrency(5).build());
            DistributedLimiter limiter = client.limiter(name);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger highest = new AtomicInteger();
            AtomicLong tasks = new AtomicLong();
            AtomicLong busyNanos = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            ExecutorService pool = Executors.newFixedThreadPool(64);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        try (Permit p = limiter.acquire(Duration.ofSeconds(30))) {
                            int now = running.incrementAndGet();
                            highest.accumulateAndGet(now, Math::max);
                            long s = System.nanoTime();
                            Thread.sleep(ThreadLocalRandom.current().nextInt(2, 6));
                            busyNanos.addAndGet(System.nanoTime() - s);
                            running.decrementAndGet();
                            tasks.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            double utilisation = busyNanos.get() / (5.0 * TimeUnit.SECONDS.toNanos(4));
            System.out.printf("cap 5, 64 threads, 4 s: %d tasks, highest %d at once, cap used %.0f%%%n",
                    tasks.get(), highest.get(), utilisation * 100);
            assertThat(highest.get()).isEqualTo(5);
            assertThat(utilisation).as("share of the cap kept busy").isGreaterThan(0.5);
            assertThat(limiter.tryAcquire()).hasValueSatisfying(Permit::close);
        }
    }

    @Test
    void threeJvmsOnOneCapNeverOverlapBeyondIt() throws Exception {
        String name = name();
        int cap = 3;
        try (LimiterClient client = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX).build()) {
            client.define(name, LimitPolicy.builder().concurrency(cap).build());
        }
        Path dir = Files.createTempDirectory("limiter-cap");
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add(ChildWorker.spawn("cap", redis.uri(), PREFIX, name, "8", "4000",
                    dir.resolve("child" + i).toString()));
        }
        for (Process p : children) {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("child finished").isTrue();
            assertThat(p.exitValue()).isZero();
        }
        // Sweep over all start/end events: at no instant may more than `cap` tasks run.
        List<long[]> all = new ArrayList<>();
        int[] perChild = new int[3];
        for (int i = 0; i < 3; i++) {
            List<long[]> mine = ChildWorker.readIntervals(dir.resolve("child" + i));
            perChild[i] = mine.size();
            all.addAll(mine);
        }
        int highest = ChildWorker.highestOverlap(all);
        System.out.printf("3 JVMs x 8 threads on cap %d: tasks per JVM %d/%d/%d, highest at once %d%n", cap,
                perChild[0], perChild[1], perChild[2], highest);
        assertThat(highest).isLessThanOrEqualTo(cap).isEqualTo(cap);
        assertThat(java.util.Arrays.stream(perChild).min().orElse(0)).as("tasks of the least busy JVM").isGreaterThan(50);
    }

    @Test
    void aKilledHoldersPermitsComeBackWithinLeasePlusOneSecond() throws Exception {
        String name = name();
        Duration lease = Duration.ofSeconds(2);
        try (LimiterClient client = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX).build()) {
            client.define(name, LimitPolicy.builder().concurrency(2).lease(lease).build());
            DistributedLimiter limiter = client.limiter(name);
            Process child = ChildWorker.spawn("hold", redis.uri(), PREFIX, name, "2");
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            String line = out.readLine();
            assertThat(line).startsWith("HELD ");
            // Held and renewed: after more than a lease, the cap is still taken by the child.
            Thread.sleep(lease.toMillis() + 500);
            assertThat(limiter.tryAcquire()).isEmpty();

            child.destroyForcibly(); // SIGKILL: no release, no shutdown hook
            child.waitFor(10, TimeUnit.SECONDS);
            long killedAt = System.nanoTime();
            Permit p = limiter.acquire(2, Duration.ofSeconds(10));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.printf("permits of a SIGKILLed holder came back after %d ms (lease %d ms)%n", waitedMs,
                    lease.toMillis());
            assertThat(waitedMs).isLessThanOrEqualTo(lease.toMillis() + 1000);
            p.close();
        }
    }
}
