package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitPolicy;
import io.limiter.core.redis.RedissonBackend;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** The client library over a RedissonClient the service already has. */
@ExtendWith(RedisExtension.class)
class RedissonBackendClientIT {

    @Test
    void acquireWaitAndWakeWorkOverRedisson(TestRedis redis) throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.uri());
        RedissonClient redisson = Redisson.create(config);
        String name = "redisson-" + UUID.randomUUID().toString().substring(0, 8);
        try (LimiterClient client = LimiterClient.builder().backend(RedissonBackend.wrap(redisson)).build()) {
            client.define(name, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
            DistributedLimiter limiter = client.limiter(name);
            Permit held = limiter.acquire(Duration.ofSeconds(2));
            assertThat(limiter.tryAcquire()).isEmpty();
            CompletableFuture<Permit> waiter = limiter.acquireAsync(Duration.ofSeconds(20));
            Thread.sleep(300);
            assertThat(waiter).isNotDone();
            held.close();
            // Woken by the release notification through a Redisson topic, not by the 60 s lease.
            waiter.get(3, TimeUnit.SECONDS).close();
        } finally {
            redisson.shutdown();
        }
    }
}
