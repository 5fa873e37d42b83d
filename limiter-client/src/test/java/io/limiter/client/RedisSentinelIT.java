package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitPolicy;
import io.limiter.testing.LocalRedisSentinel;
import io.limiter.testing.RedisProcess;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The client through Redis Sentinel (one master, one replica, three sentinels, all {@code redis-server} processes):
 * when the master is killed, the sentinels promote the replica and the client, asking them for the master on
 * reconnect, resumes acquiring within a bounded time; notifications work on the new master.
 */
class RedisSentinelIT {
    private final String prefix = "se" + UUID.randomUUID().toString().substring(0, 6);

    @Test
    void whenTheMasterIsKilledTheClientResumesOnThePromotedReplica() throws Exception {
        try (LocalRedisSentinel sentinel = LocalRedisSentinel.start();
                LimiterClient a = client(sentinel, "instance-a");
                LimiterClient b = client(sentinel, "instance-b")) {
            String name = "sentinel-" + UUID.randomUUID().toString().substring(0, 6);
            a.define(name, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(30)).build());
            assertThat(wokenAfterRelease(a, b, name)).isLessThan(Duration.ofSeconds(3));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstSuccessAfterKill = new AtomicLong();
            AtomicInteger failures = new AtomicInteger();
            CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    long startedAt = System.nanoTime();
                    try (Permit p = a.limiter(name).acquire(Duration.ofSeconds(1))) {
                        long now = System.nanoTime();
                        if (startedAt > killedAt.get()) {
                            firstSuccessAfterKill.compareAndSet(0, now);
                        }
                        sleep(5);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        sleep(50);
                    }
                }
            });
            sleep(500);
            assertThat(failures.get()).as("failures before the kill").isZero();
            RedisProcess old = sentinel.master();
            old.kill();
            killedAt.set(System.nanoTime()); // only acquires started after the master is gone count
            RedisProcess promoted = sentinel.awaitNewMaster(old);
            Duration promotedAfter = Duration.ofNanos(System.nanoTime() - killedAt.get());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (firstSuccessAfterKill.get() == 0 && System.nanoTime() < deadline) {
                sleep(50);
            }
            stop.set(true);
            loop.get(10, TimeUnit.SECONDS);
            assertThat(firstSuccessAfterKill.get()).as("an acquire succeeded after the kill").isPositive();
            Duration resumed = Duration.ofNanos(firstSuccessAfterKill.get() - killedAt.get());
            System.out.printf("sentinel failover: master port %d killed, replica port %d promoted after %d ms; "
                    + "acquiring resumed after %d ms (%d failed attempts meanwhile)%n", old.port(), promoted.port(),
                    promotedAfter.toMillis(), resumed.toMillis(), failures.get());
            assertThat(resumed).as("time from the kill to the next grant").isLessThan(Duration.ofSeconds(15));

            Duration woken = wokenAfterRelease(a, b, name);
            System.out.printf("sentinel failover: waiter woken %d ms after a release on the new master%n",
                    woken.toMillis());
            assertThat(woken).isLessThan(Duration.ofSeconds(3));
        }
    }

    private LimiterClient client(LocalRedisSentinel sentinel, String instance) {
        return LimiterClient.builder().redisUri(sentinel.uri()).keyPrefix(prefix).instanceId(instance)
                .commandTimeout(Duration.ofSeconds(1)).build();
    }

    /** {@code a} holds the only permit, {@code b} waits; how long after the release {@code b} got in. */
    private static Duration wokenAfterRelease(LimiterClient a, LimiterClient b, String name) throws Exception {
        Permit held = a.limiter(name).acquire(Duration.ofSeconds(10));
        CompletableFuture<Long> acquiredAt = CompletableFuture.supplyAsync(() -> {
            try (Permit p = b.limiter(name).acquire(Duration.ofSeconds(20))) {
                return System.nanoTime();
            }
        });
        sleep(300);
        assertThat(acquiredAt).as("the waiter waits while the permit is held").isNotDone();
        long releasedAt = System.nanoTime();
        held.releaseAsync().get(5, TimeUnit.SECONDS);
        return Duration.ofNanos(Math.max(0, acquiredAt.get(25, TimeUnit.SECONDS) - releasedAt));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
