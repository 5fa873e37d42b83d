package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.core.LimitPolicy;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.Holder;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import io.limiter.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Redis restarts empty while permits are held: the limit is defined again by the client that defined it, and
 * running holders are re-asserted while capacity allows (reported lost otherwise), so the cap is never exceeded
 * silently.
 */
class RedisRestartIT {
    private static final LimitPolicy CAP_2 = LimitPolicy.builder().concurrency(2).lease(Duration.ofSeconds(2)).build();

    private static Optional<LimitState> state(String uri) {
        try (LettuceBackend b = LettuceBackend.create(uri)) {
            return new LimitStore(b, new KeySchema("limiter")).state("cap", 10).join();
        }
    }

    @Test
    void runningHoldersAreReassertedAfterRedisRestartsEmpty() {
        try (RedisProcess redis = RedisProcess.start();
                LimiterClient client = LimiterClient.builder().redisUri(redis.uri()).build()) {
            client.define("cap", CAP_2);
            DistributedLimiter limiter = client.limiter("cap");
            Permit a = limiter.acquire(Duration.ofSeconds(1));
            Permit b = limiter.acquire(Duration.ofSeconds(1));

            redis.restart(); // empty: no policy, no holders

            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                LimitState s = state(redis.uri()).orElseThrow();
                assertThat(s.holders()).extracting(Holder::permitId).containsExactlyInAnyOrder(a.id(), b.id());
                assertThat(s.counters()).containsEntry("reasserted", 2L);
            });
            assertThat(a.isValid()).isTrue();
            assertThat(b.isValid()).isTrue();
            assertThat(limiter.tryAcquire()).as("the cap is full again").isEmpty();
            a.close();
            assertThat(limiter.tryAcquire()).isPresent();
        }
    }

    @Test
    void aPermitThatNoLongerFitsAfterTheRestartIsReportedLostNotOverbooked() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                LimiterClient client = LimiterClient.builder().redisUri(redis.uri()).build();
                LettuceBackend admin = LettuceBackend.create(redis.uri())) {
            client.define("cap", CAP_2);
            DistributedLimiter limiter = client.limiter("cap");
            Permit a = limiter.acquire(Duration.ofSeconds(1));
            Permit b = limiter.acquire(Duration.ofSeconds(1));

            redis.restart();
            // Someone else defines the limit anew and takes a permit before this client renews.
            LimitStore store = new LimitStore(admin, new KeySchema("limiter"));
            boolean intruder = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                store.define("cap", CAP_2).join();
                return store.acquire("cap", "intruder", 1, "other-instance").join().granted();
            }, granted -> true);

            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                LimitState s = state(redis.uri()).orElseThrow();
                Set<String> inRedis = s.holders().stream().map(Holder::permitId).collect(Collectors.toSet());
                Set<String> validHere = List.of(a, b).stream().filter(Permit::isValid).map(Permit::id)
                        .collect(Collectors.toSet());
                assertThat(s.permitsInUse()).isLessThanOrEqualTo(2);
                // Every permit this client still believes in is counted in Redis, and nothing else of ours is.
                assertThat(inRedis).containsAll(validHere);
                assertThat(inRedis.size()).isEqualTo(2);
                if (intruder) {
                    assertThat(inRedis).contains("intruder");
                    assertThat(validHere).hasSize(1);
                }
            });
        }
    }
}
