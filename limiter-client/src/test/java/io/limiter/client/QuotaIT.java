package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.CalendarWindow;
import io.limiter.core.LimitPolicy;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A calendar quota shared by several clients: exactly its units per window, combined with the other parts. */
@ExtendWith(RedisExtension.class)
class QuotaIT {
    private final TestRedis redis;

    QuotaIT(TestRedis redis) {
        this.redis = redis;
    }

    @Test
    void twoClientsWithManyThreadsGetExactlyTheQuotaBetweenThem() throws Exception {
        String name = "quota-" + UUID.randomUUID().toString().substring(0, 8);
        LimitPolicy policy = LimitPolicy.builder().quota(250, CalendarWindow.DAY).zone(ZoneId.of("Pacific/Auckland"))
                .build();
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (LimiterClient a = LimiterClient.create(redis.uri()); LimiterClient b = LimiterClient.create(redis.uri())) {
            a.define(name, policy);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                DistributedLimiter limiter = (t % 2 == 0 ? a : b).limiter(name);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        // Weighted: 1 or 2 units per call.
                        if (limiter.tryAcquire(1 + i % 2).map(p -> {
                            p.close();
                            return true;
                        }).orElse(false)) {
                            granted.addAndGet(1 + i % 2);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(granted.get()).isBetween(249, 250);
            assertThat(a.limiter(name).tryAcquire()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aQuotaWithConcurrencyTakesBothOrNeither() throws Exception {
        String name = "quota-" + UUID.randomUUID().toString().substring(0, 8);
        try (LimiterClient client = LimiterClient.create(redis.uri())) {
            client.define(name, LimitPolicy.builder().concurrency(2).quota(3, CalendarWindow.HOUR).build());
            DistributedLimiter limiter = client.limiter(name);
            Permit first = limiter.acquire(Duration.ofSeconds(5));
            Permit second = limiter.acquire(Duration.ofSeconds(5));
            assertThat(limiter.tryAcquire()).as("concurrency full").isEmpty();
            first.close();
            second.close();
            limiter.acquire(Duration.ofSeconds(5)).close();
            // 3 units used in this hour: no more, although both permits are free.
            assertThat(limiter.tryAcquire()).isEmpty();
        }
    }
}
