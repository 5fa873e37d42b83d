package io.limiter.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import io.limiter.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's examples run against a real Redis of their own (they use the default key prefix and the limit
 * name {@code payments}, so never a shared one), and leave what they promise.
 */
class ExamplesIT {
    private RedisProcess redis;
    private LettuceBackend backend;
    private LimitStore store;

    @BeforeEach
    void start() {
        redis = RedisProcess.start();
        backend = LettuceBackend.create(redis.uri());
        store = new LimitStore(backend, new KeySchema("limiter"));
    }

    @AfterEach
    void stop() {
        backend.close();
        redis.close();
    }

    private LimitState payments() {
        return store.state("payments", 10).join().orElseThrow();
    }

    @Test
    void theQuickStartDefinesUsesAndReplacesTheLimitAndReleasesEveryPermit() {
        QuickStart.run(redis.uri());
        LimitState s = payments();
        assertThat(s.policy()).isEqualTo(LimitPolicy.builder().concurrency(20).build());
        // The client was closed right after its last release: nothing is still held.
        assertThat(s.permitsInUse()).isZero();
        assertThat(s.holderCount()).isZero();
    }

    @Test
    void theQuotaExampleSpendsFiveUnitsOfTodaysQuota() {
        Quotas.run(redis.uri());
        LimitState s = store.state("reports", 10).join().orElseThrow();
        assertThat(s.quotaUsed()).isEqualTo(5);
        assertThat(s.quotaRemaining()).isEqualTo(9_995);
        assertThat(s.permitsInUse()).isZero();
    }

    @Test
    void theKeyedExampleUsesTwoKeysAndLeavesNoState() {
        KeyedLimits.run(redis.uri());
        assertThat(store.state("exports", 0).join().orElseThrow().policy().keyed()).isTrue();
        // Both keys took a token: their buckets (and nothing else) live until they are full again.
        for (String key : List.of("tenant-42", "tenant-7")) {
            LimitState s = store.state(io.limiter.core.LimitKeys.nameOf("exports", key), 10).join().orElseThrow();
            assertThat(s.permitsInUse()).as(key).isZero();
            assertThat(s.tokens()).as(key).isLessThan(100);
        }
    }

    @Test
    void theTaskPoolRunsEveryTaskAndDrains() throws Exception {
        store.define("payments", LimitPolicy.builder().concurrency(3).build()).join();
        List<TaskPool.Order> orders = IntStream.range(0, 8).mapToObj(TaskPool.Order::new).toList();
        TaskPool.PAID.set(0);
        try (LimiterClient client = LimiterClient.create(redis.uri())) {
            TaskPool.run(client, orders);
        }
        assertThat(TaskPool.PAID).hasValue(1 + 2 * orders.size()); // submit, map, forEach
        assertThat(payments().permitsInUse()).isZero();
    }

    @Test
    void theListenerHearsALostLease() {
        store.define("payments", LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(3)).build()).join();
        List<String> alerts = new CopyOnWriteArrayList<>();
        try (LimiterClient client = Listeners.client(redis.uri(), alerts::add)) {
            Permit permit = client.limiter("payments").acquire(Duration.ofSeconds(5));
            assertThat(store.release("payments", permit.id(), true).join()).isTrue(); // force-released
            await().atMost(Duration.ofSeconds(10)).until(() -> !alerts.isEmpty());
            assertThat(alerts).containsExactly("lease of " + permit.id() + " lost");
            permit.close();
        }
    }
}
