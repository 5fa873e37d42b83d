package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitPolicy;
import io.limiter.testing.LocalRedisSentinel;
import io.limiter.testing.RedisProcess;
import java.time.Duration;
import java.util.UUID;
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
            assertThat(FailoverProbe.wokenAfterRelease(a, b, name, 1)).isLessThan(Duration.ofSeconds(3));

            try (FailoverProbe probe = new FailoverProbe(a.limiter(name), 5)) {
                sleep(500);
                assertThat(probe.failures()).as("failures before the kill").isZero();
                RedisProcess old = sentinel.master();
                old.kill();
                probe.faultNow(); // only acquires started after the master is gone count
                long killedAt = System.nanoTime();
                RedisProcess promoted = sentinel.awaitNewMaster(old);
                Duration promotedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
                Duration resumed = probe.awaitResumed(Duration.ofSeconds(30));
                System.out.printf("sentinel failover: master port %d killed, replica port %d promoted after %d ms; "
                        + "acquiring resumed after %d ms (%d failed attempts meanwhile)%n", old.port(),
                        promoted.port(), promotedAfter.toMillis(), resumed.toMillis(), probe.failures());
                assertThat(resumed).as("time from the kill to the next grant").isLessThan(Duration.ofSeconds(15));
            }

            Duration woken = FailoverProbe.wokenAfterRelease(a, b, name, 1);
            System.out.printf("sentinel failover: waiter woken %d ms after a release on the new master%n",
                    woken.toMillis());
            assertThat(woken).isLessThan(Duration.ofSeconds(3));
        }
    }

    private LimiterClient client(LocalRedisSentinel sentinel, String instance) {
        return LimiterClient.builder().redisUri(sentinel.uri()).keyPrefix(prefix).instanceId(instance)
                .commandTimeout(Duration.ofSeconds(1)).build();
    }

    private static void sleep(long ms) {
        FailoverProbe.sleep(ms);
    }
}
