package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.limiter.client.metrics.MicrometerLimiterMetrics;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterInterruptedException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.testing.RedisProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each Redis-down policy with a real redis-server this test stops and restarts: bounded failure time, local
 * grants, lost leases reported, and recovery without restarting the client.
 */
class RedisDownPolicyIT {
    private static final LimitPolicy CAP_4 = LimitPolicy.builder().concurrency(4).lease(Duration.ofSeconds(2)).build();
    private RedisProcess redis;
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisProcess.start("--enable-debug-command", "local");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        redis.stop();
    }

    private LimiterClient client(RedisDownPolicy policy, LimiterListener... listeners) {
        LimiterClientBuilder b = LimiterClient.builder().redisUri(redis.uri()).instanceId("instance-" + closeMe.size())
                .connectTimeout(Duration.ofMillis(500)).commandTimeout(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ofMillis(200)).redisDownPolicy("cap", policy);
        for (LimiterListener l : listeners) {
            b.listener(l);
        }
        LimiterClient c = b.build();
        closeMe.add(c);
        return c;
    }

    private long inUse() {
        try (LettuceBackend b = LettuceBackend.create(redis.uri())) {
            return new LimitStore(b, new KeySchema("limiter")).state("cap", 0).join().orElseThrow().permitsInUse();
        }
    }

    @Test
    void failClosedFailsWithinTheTimeoutsAndRecoversByItself() {
        LimiterClient client = client(RedisDownPolicy.FAIL_CLOSED);
        client.define("cap", CAP_4);
        DistributedLimiter limiter = client.limiter("cap");
        limiter.acquire(Duration.ofSeconds(1)).releaseAsync().join();

        redis.stop();
        long start = System.nanoTime();
        assertThatThrownBy(() -> limiter.acquire(Duration.ofSeconds(30)))
                .isInstanceOf(LimiterUnavailableException.class);
        long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        start = System.nanoTime();
        assertThatThrownBy(() -> limiter.acquire(Duration.ofSeconds(30)))
                .isInstanceOf(LimiterUnavailableException.class);
        long secondMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("FAIL_CLOSED: first failure after %d ms, then %d ms while the outage is known%n", firstMs,
                secondMs);
        assertThat(firstMs).isLessThan(3000);
        assertThat(secondMs).isLessThan(200);

        redis.restart(); // empty: the policy is gone, and this client defined it, so it defines it again
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            Permit p = limiter.acquire(Duration.ofSeconds(1));
            assertThat(p.isLocal()).isFalse();
            p.close();
        });
        assertThat(client.policy("cap")).contains(CAP_4);
    }

    @Test
    void failOpenRunsTasksLocallyCountsThemAndReturnsToTheSharedCap() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LimiterClient client = client(RedisDownPolicy.FAIL_OPEN, new MicrometerLimiterMetrics(registry));
        client.define("cap", LimitPolicy.builder().concurrency(1).build());
        DistributedLimiter limiter = client.limiter("cap");
        Permit shared = limiter.acquire(Duration.ofSeconds(1));
        assertThat(shared.isLocal()).isFalse();

        redis.stop();
        List<Permit> local = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Permit p = limiter.acquire(Duration.ofSeconds(5));
            assertThat(p.isLocal()).isTrue();
            local.add(p);
        }
        assertThat(limiter.tryAcquire()).hasValueSatisfying(p -> assertThat(p.isLocal()).isTrue());
        assertThat(registry.get("limiter.client.local.grants").tag("policy", "FAIL_OPEN").counter().count())
                .isGreaterThanOrEqualTo(6);
        local.forEach(Permit::close);

        redis.restart();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            Permit p = limiter.acquire(Duration.ofSeconds(1));
            assertThat(p.isLocal()).isFalse();
            p.close();
        });
        assertThat(registry.get("limiter.client.redis.outages").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void localFallbackCapsByTheLimitDividedByLiveInstances() throws Exception {
        LimiterClient a = client(RedisDownPolicy.LOCAL_FALLBACK);
        LimiterClient b = client(RedisDownPolicy.LOCAL_FALLBACK);
        a.define("cap", CAP_4);
        DistributedLimiter limiter = a.limiter("cap");
        b.limiter("cap").acquire(Duration.ofSeconds(1)).close();
        limiter.acquire(Duration.ofSeconds(1)).close(); // learns the policy
        Thread.sleep(600); // heartbeats: two live instances

        redis.stop();
        Permit one = limiter.acquire(Duration.ofSeconds(5));
        Permit two = limiter.acquire(Duration.ofSeconds(5));
        assertThat(one.isLocal()).isTrue();
        assertThat(two.isLocal()).isTrue();
        // 4 permits / 2 instances = 2 here: a third waits, and gets one when a local permit is closed.
        assertThat(limiter.tryAcquire()).isEmpty();
        long start = System.nanoTime();
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(300)))
                .isInstanceOf(io.limiter.core.LimiterTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        var third = limiter.acquireAsync(Duration.ofSeconds(10));
        Thread.sleep(100);
        assertThat(third).isNotDone();
        one.close();
        assertThat(third.get(5, TimeUnit.SECONDS).isLocal()).isTrue();

        redis.restart();
        a.define("cap", CAP_4);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            Permit p = limiter.acquire(Duration.ofSeconds(1));
            assertThat(p.isLocal()).isFalse();
            p.close();
        });
    }

    @Test
    void runningWorkIsNotInterruptedAndALeaseLostDuringTheOutageIsReported() throws Exception {
        List<Permit> lost = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LimiterClient client = client(RedisDownPolicy.FAIL_CLOSED, new LimiterListener() {
            @Override
            public void onLeaseLost(Permit permit) {
                lost.add(permit);
            }
        }, new MicrometerLimiterMetrics(registry));
        client.define("cap", CAP_4); // lease 2 s
        Permit held = client.limiter("cap").acquire(Duration.ofSeconds(1));
        redis.stop();
        assertThat(held.isValid()).isTrue();
        await().atMost(Duration.ofSeconds(6)).until(() -> !held.isValid());
        await().atMost(Duration.ofSeconds(3)).until(() -> lost.contains(held));
        assertThat(registry.get("limiter.client.leases.lost").counter().count()).isEqualTo(1);
        held.close(); // never throws, even with Redis down
    }

    @Test
    void aStalledRedisMakesAcquiresTimeOutCleanlyAndTheClientRecovers() {
        stallFailsAcquiresCleanlyThenRecovers("CLIENT PAUSE",
                () -> assertThat(redis.command("CLIENT", "PAUSE", "2500", "ALL")).isEqualTo("+OK"));
    }

    @Test
    void aRedisBlockedByDebugSleepMakesAcquiresTimeOutCleanlyAndTheClientRecovers() throws Exception {
        // DEBUG SLEEP blocks the whole server (not just clients, as CLIENT PAUSE does); the call returns afterwards.
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<String>> sleeping =
                new java.util.concurrent.atomic.AtomicReference<>();
        stallFailsAcquiresCleanlyThenRecovers("DEBUG SLEEP", () -> {
            sleeping.set(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> redis.command("DEBUG", "SLEEP", "2.5")));
            await().pollDelay(Duration.ofMillis(100)).until(() -> true); // the server is asleep by then
        });
        assertThat(sleeping.get().get(10, TimeUnit.SECONDS)).isEqualTo("+OK");
    }

    /** Starts a stall; an acquire then fails within the command timeout, and acquiring works again after it. */
    private void stallFailsAcquiresCleanlyThenRecovers(String kind, Runnable stall) {
        LimiterClient client = client(RedisDownPolicy.FAIL_CLOSED);
        client.define("cap", CAP_4);
        DistributedLimiter limiter = client.limiter("cap");
        limiter.acquire(Duration.ofSeconds(1)).releaseAsync().join(); // released in Redis before the stall
        stall.run();
        long start = System.nanoTime();
        assertThatThrownBy(() -> limiter.acquire(Duration.ofSeconds(30)))
                .isInstanceOf(LimiterUnavailableException.class).hasMessageContaining("did not answer");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("stalled Redis (%s): acquire failed after %d ms (command timeout 500 ms)%n", kind, ms);
        assertThat(ms).isBetween(400L, 2000L);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
                limiter.acquire(Duration.ofSeconds(1)).close());
    }

    @Test
    void aGrantWhoseAnswerWasLostInAStallIsReleasedNotLeakedForALease() {
        LimiterClient client = client(RedisDownPolicy.FAIL_CLOSED);
        client.define("cap", LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        DistributedLimiter limiter = client.limiter("cap");
        limiter.acquire(Duration.ofSeconds(1)).releaseAsync().join(); // released in Redis before the stall
        assertThat(redis.command("CLIENT", "PAUSE", "1500", "ALL")).isEqualTo("+OK");
        // Times out on the client; Redis runs it when the pause ends and grants the only permit to nobody.
        assertThatThrownBy(() -> limiter.tryAcquire()).isInstanceOf(LimiterUnavailableException.class);
        // Without the compensating release this would stay denied for the 60 s lease.
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
                assertThat(limiter.tryAcquire()).hasValueSatisfying(Permit::close));
    }

    @Test
    void anInterruptedAcquireNeverLeaksThePermitItWasGranted() throws Exception {
        LimiterClient client = client(RedisDownPolicy.FAIL_CLOSED);
        client.define("cap", LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        DistributedLimiter limiter = client.limiter("cap");
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            Thread t = new Thread(() -> {
                try {
                    limiter.tryAcquire().ifPresent(Permit::close);
                } catch (LimiterInterruptedException expected) {
                    // The interrupt came while the call waited for Redis: the documented outcome.
                    if (!Thread.currentThread().isInterrupted()) {
                        failures.add(new AssertionError("interrupt flag not restored", expected));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            t.interrupt(); // at any point of the call
            t.join();
        }
        assertThat(failures).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> inUse() == 0);
        assertThat(limiter.tryAcquire()).hasValueSatisfying(Permit::close);
    }

    @Test
    void aTryAcquireWhileRedisIsDownIsBoundedToo() {
        LimiterClient client = client(RedisDownPolicy.FAIL_CLOSED);
        client.define("cap", CAP_4);
        redis.stop();
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.limiter("cap").tryAcquire()).isInstanceOf(LimiterUnavailableException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
    }
}
