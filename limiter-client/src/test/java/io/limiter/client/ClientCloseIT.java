package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterClosedException;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** "The client is closed" is one documented exception, for waiters cut off by close() and for every later call. */
@ExtendWith(RedisExtension.class)
class ClientCloseIT {
    private static final String PREFIX = "close" + UUID.randomUUID().toString().substring(0, 6);
    private final TestRedis redis;

    ClientCloseIT(TestRedis redis) {
        this.redis = redis;
    }

    private LimiterClient client(RedisDownPolicy policy) {
        return LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX).redisDownPolicy(policy).build();
    }

    @ParameterizedTest
    @EnumSource(RedisDownPolicy.class)
    void aWaiterCutOffByCloseAndEveryLaterCallGetLimiterClosedException(RedisDownPolicy policy) throws Exception {
        String name = "close-" + UUID.randomUUID().toString().substring(0, 8);
        LimiterClient client = client(policy);
        client.define(name, LimitPolicy.builder().concurrency(1).build());
        DistributedLimiter limiter = client.limiter(name);
        Permit held = limiter.acquire(Duration.ofSeconds(5));
        CompletableFuture<Permit> waiting = CompletableFuture.supplyAsync(() -> limiter.acquire(Duration.ofMinutes(1)));
        await().atMost(Duration.ofSeconds(5)).until(() -> limiter.waitingCount() == 1);

        client.close();

        assertThatThrownBy(waiting::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(LimiterClosedException.class).hasMessage("the limiter client is closed");
        // After close: nothing is granted, whatever the Redis-down policy (no local permit either).
        assertThatThrownBy(() -> limiter.acquire(Duration.ofSeconds(1))).isInstanceOf(LimiterClosedException.class);
        assertThatThrownBy(limiter::tryAcquire).isInstanceOf(LimiterClosedException.class);
        assertThatThrownBy(() -> client.limiter(name)).isInstanceOf(LimiterClosedException.class)
                .hasMessage("the limiter client is closed");
        held.close();
    }

    @Test
    void closingIsIdempotent() {
        LimiterClient client = client(RedisDownPolicy.FAIL_CLOSED);
        client.close();
        client.close();
        assertThat(client.instanceId()).isNotBlank();
    }
}
