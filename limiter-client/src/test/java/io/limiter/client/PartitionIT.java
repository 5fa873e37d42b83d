package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.testing.RedisProcess;
import io.limiter.testing.TcpProxy;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * One client cut off from Redis (a proxy holds its bytes back) while another still reaches it: the cut-off
 * holder's permit stops being valid locally before Redis lets anyone else take it, the cut-off client's own
 * acquires fail within its command timeout, and it simply works again once the partition heals.
 */
class PartitionIT {
    private final String prefix = "pa" + UUID.randomUUID().toString().substring(0, 6);

    @Test
    void aPartitionedHolderLosesItsPermitBeforeAnyoneElseCanTakeIt() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                TcpProxy proxy = TcpProxy.to(redis.port());
                LimiterClient cutOff = LimiterClient.builder().redisUri(proxy.uri()).keyPrefix(prefix)
                        .instanceId("cut-off").commandTimeout(Duration.ofMillis(500)).build();
                LimiterClient other = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(prefix)
                        .instanceId("other").build()) {
            String name = "partition-" + UUID.randomUUID().toString().substring(0, 6);
            Duration lease = Duration.ofSeconds(2);
            other.define(name, LimitPolicy.builder().concurrency(1).lease(lease).build());
            Permit held = cutOff.limiter(name).acquire(Duration.ofSeconds(5));
            Thread.sleep(1000); // renewed at least once while connected
            assertThat(held.isValid()).isTrue();

            proxy.partition();
            long partitionedAt = System.nanoTime();
            AtomicBoolean holderValidWhenOtherGotIn = new AtomicBoolean(true);
            Permit taken;
            try (Permit p = other.limiter(name).acquire(Duration.ofSeconds(10))) {
                holderValidWhenOtherGotIn.set(held.isValid());
                taken = p;
            }
            long otherWaitedMs = (System.nanoTime() - partitionedAt) / 1_000_000;
            System.out.printf("partition: the other client got the permit %d ms after the holder was cut off "
                    + "(lease %d ms); the holder's permit was %s by then%n", otherWaitedMs, lease.toMillis(),
                    holderValidWhenOtherGotIn.get() ? "STILL VALID" : "already invalid");
            assertThat(holderValidWhenOtherGotIn.get()).as("the cut-off holder knew its permit was gone").isFalse();
            assertThat(otherWaitedMs).as("the lease, not the partition, decides when it comes back")
                    .isBetween(lease.toMillis() / 3, lease.toMillis() + 2000);
            assertThat(taken).isNotNull();

            long start = System.nanoTime();
            assertThatThrownBy(() -> cutOff.limiter(name).acquire(Duration.ofSeconds(5)))
                    .isInstanceOf(LimiterUnavailableException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).as("a cut-off acquire fails within the timeouts")
                    .isLessThan(2000);

            proxy.heal();
            held.close(); // late release of a permit Redis already reclaimed: harmless
            long healedAt = System.nanoTime();
            // While the outage is known, acquires fail at once (FAIL_CLOSED); the health probe notices the heal.
            Permit again = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .ignoreException(LimiterUnavailableException.class)
                    .until(() -> cutOff.limiter(name).acquire(Duration.ofSeconds(1)), p -> p != null);
            try (again) {
                long ms = (System.nanoTime() - healedAt) / 1_000_000;
                System.out.printf("partition healed: the cut-off client acquired again after %d ms%n", ms);
                assertThat(ms).isLessThan(3000);
                assertThat(again.isValid()).isTrue();
                assertThat(other.limiter(name).tryAcquire()).as("the cap still holds").isEmpty();
            }
        }
    }
}
