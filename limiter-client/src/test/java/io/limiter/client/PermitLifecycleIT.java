package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterInterruptedException;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.Script;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.RedisProcess;
import io.limiter.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Acquire, wait, release, renew and lose permits through the public API, against real Redis. */
@ExtendWith(RedisExtension.class)
class PermitLifecycleIT {
    private final TestRedis redis;
    private LimiterClient client;
    private LettuceBackend adminBackend;
    private LimitStore admin;
    private String name;

    PermitLifecycleIT(TestRedis redis) {
        this.redis = redis;
    }

    @BeforeEach
    void open() {
        client = LimiterClient.builder().redisUri(redis.uri()).instanceId("test-instance").build();
        adminBackend = LettuceBackend.create(redis.uri());
        admin = new LimitStore(adminBackend, new KeySchema(KeySchema.DEFAULT_PREFIX));
        name = "life-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        client.delete(name);
        client.close();
        adminBackend.close();
    }

    private DistributedLimiter define(LimitPolicy policy) {
        assertThat(client.define(name, policy)).isEqualTo(policy);
        return client.limiter(name);
    }

    @Test
    void aPermitIsRecordedWithItsOwnerAndReleasedOnClose() {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(2).build());
        Permit p = limiter.acquire(Duration.ofSeconds(1));
        assertThat(p.limit()).isEqualTo(name);
        assertThat(p.weight()).isEqualTo(1);
        assertThat(p.isValid()).isTrue();
        assertThat(p.leaseExpiresAt()).isPresent();
        var holders = admin.state(name, 10).join().orElseThrow().holders();
        assertThat(holders).singleElement().satisfies(h -> {
            assertThat(h.permitId()).isEqualTo(p.id());
            assertThat(h.owner()).isEqualTo("test-instance");
        });
        p.close(); // returns once the release is queued; it reaches Redis with the next call, within a round trip
        assertThat(p.isValid()).isFalse();
        await().atMost(Duration.ofSeconds(2))
                .until(() -> admin.state(name, 10).join().orElseThrow().holders().isEmpty());
    }

    @Test
    void releaseAsyncCompletesOnceRedisConfirmedTheRelease() {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(2).build());
        Permit p = limiter.acquire(Duration.ofSeconds(1));
        p.releaseAsync().join();
        assertThat(p.isValid()).isFalse();
        assertThat(admin.state(name, 10).join().orElseThrow().holders()).isEmpty();
        assertThat(p.releaseAsync()).isCompleted(); // already released: nothing to wait for
    }

    @Test
    void releaseIsIdempotentAndNeverAddsCapacity() {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).build());
        Permit a = limiter.acquire(Duration.ofSeconds(1));
        a.close();
        Permit b = limiter.acquire(Duration.ofSeconds(1));
        a.close();
        a.releaseAsync().join();
        assertThat(limiter.tryAcquire()).isEmpty();
        b.close();
        assertThat(limiter.tryAcquire()).isPresent();
    }

    @Test
    void weightsCountAgainstTheCap() {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(5).build());
        Permit three = limiter.acquire(3, Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire(3)).isEmpty();
        assertThat(limiter.tryAcquire(2)).isPresent();
        assertThatThrownBy(() -> limiter.tryAcquire(6)).isInstanceOf(LimiterValidationException.class)
                .hasMessage("weight must be at most 5 (what limit '" + name + "' allows at once), was 6");
        assertThatThrownBy(() -> limiter.acquire(0, Duration.ofSeconds(1)))
                .isInstanceOf(LimiterValidationException.class).hasMessage("weight must be at least 1, was 0");
        assertThatThrownBy(() -> limiter.acquire(Duration.ofSeconds(-1)))
                .isInstanceOf(LimiterValidationException.class)
                .hasMessage("timeout must be zero or positive, was PT-1S");
        three.close();
    }

    @Test
    void anUnknownLimitFailsClearlyInsteadOfHanging() {
        DistributedLimiter limiter = client.limiter(name);
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMinutes(5))).isInstanceOf(UnknownLimitException.class)
                .hasMessage("limit '" + name + "' is not defined (no policy in Redis); define it before acquiring "
                        + "from it");
        assertThatThrownBy(limiter::tryAcquire).isInstanceOf(UnknownLimitException.class);
        assertThatThrownBy(() -> limiter.acquireAsync(Duration.ofMinutes(5)).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownLimitException.class);
        assertThatThrownBy(() -> client.limiter("bad name")).isInstanceOf(LimiterValidationException.class)
                .hasMessage("name must match [A-Za-z0-9._:-]{1,128} and not be . or .., was 'bad name'");
    }

    @Test
    void aTimedOutAcquireThrowsAndHoldsNothing() {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).build());
        Permit held = limiter.acquire(Duration.ofSeconds(1));
        long start = System.nanoTime();
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(300)))
                .isInstanceOf(LimiterTimeoutException.class)
                .hasMessage("no permit of weight 1 from limit '" + name + "' within PT0.3S");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(took).isBetween(290L, 2000L);
        assertThatThrownBy(() -> limiter.acquire(Duration.ZERO)).isInstanceOf(LimiterTimeoutException.class);
        held.releaseAsync().join();
        assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
    }

    @Test
    void aReleaseWakesAWaiterLongBeforeAnyLeaseRunsOut() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        Permit held = limiter.acquire(Duration.ofSeconds(1));
        CompletableFuture<Permit> waiter = limiter.acquireAsync(Duration.ofSeconds(30));
        Thread.sleep(300);
        assertThat(waiter).isNotDone();
        long released = System.nanoTime();
        held.close();
        Permit got = waiter.get(5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
        // The retry-after hint would be ~60 s away: only the release notification can explain this.
        assertThat(ms).isLessThan(1000);
        got.close();
    }

    @Test
    void aReleaseFromAnotherProcessWakesAWaiter() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        assertThat(admin.acquire(name, "foreign", 1, "other").join().granted()).isTrue();
        CompletableFuture<Permit> waiter = limiter.acquireAsync(Duration.ofSeconds(30));
        Thread.sleep(300);
        assertThat(waiter).isNotDone();
        admin.release(name, "foreign", false).join();
        waiter.get(2, TimeUnit.SECONDS).close();
    }

    @Test
    void aReleasedPermitGoesToTheNextLocalWaiterInTheSameCallDecidedByRedis() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        Permit first = limiter.acquire(Duration.ofSeconds(1));
        CompletableFuture<Permit> waiter = limiter.acquireAsync(Duration.ofSeconds(30));
        Thread.sleep(200);
        long deniedBefore = admin.state(name, 0).join().orElseThrow().counters().getOrDefault("denials", 0L);
        first.close();
        Permit second = waiter.get(5, TimeUnit.SECONDS);
        // Not the same permit passed on in this process: the release and the waiter's acquire rode one exchange,
        // and Redis granted a new permit after the release.
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.isValid()).isTrue();
        assertThat(first.isValid()).isFalse();
        var state = admin.state(name, 10).join().orElseThrow();
        assertThat(state.permitsInUse()).isEqualTo(1);
        assertThat(state.holders()).singleElement().satisfies(h -> assertThat(h.permitId()).isEqualTo(second.id()));
        assertThat(state.counters()).containsEntry("grants", 2L).containsEntry("released", 1L)
                .containsEntry("denials", deniedBefore); // granted at its first try after the release
        second.releaseAsync().join();
        assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
        first.close(); // closing the old handle again changes nothing
        assertThat(limiter.tryAcquire()).isPresent();
    }

    @Test
    void localWaitersAreServedFirstComeFirstServed() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        Permit held = limiter.acquire(Duration.ofSeconds(1));
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            done.add(limiter.acquireAsync(Duration.ofSeconds(30)).thenAccept(p -> {
                order.add(n);
                p.close();
            }));
            Thread.sleep(100); // make arrival order certain
        }
        held.close();
        CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aLargerCapWakesWaitersAtOnce() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        Permit held = limiter.acquire(Duration.ofSeconds(1));
        CompletableFuture<Permit> a = limiter.acquireAsync(Duration.ofSeconds(30));
        CompletableFuture<Permit> b = limiter.acquireAsync(Duration.ofSeconds(30));
        Thread.sleep(200);
        client.replace(name, LimitPolicy.builder().concurrency(3).lease(Duration.ofSeconds(60)).build());
        a.get(2, TimeUnit.SECONDS).close();
        b.get(2, TimeUnit.SECONDS).close();
        held.close();
    }

    @Test
    void cancellingAPendingAcquireLeavesNothingHeld() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).build());
        Permit held = limiter.acquire(Duration.ofSeconds(1));
        CompletableFuture<Permit> pending = limiter.acquireAsync(Duration.ofSeconds(30));
        Thread.sleep(200);
        assertThat(pending.cancel(true)).isTrue();
        held.releaseAsync().join();
        Thread.sleep(300);
        assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
        assertThat(limiter.tryAcquire()).isPresent();
    }

    @Test
    void anInterruptedWaiterRestoresTheFlagAndHoldsNothing() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).build());
        Permit held = limiter.acquire(Duration.ofSeconds(1));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                limiter.acquire(Duration.ofSeconds(30));
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
            finished.countDown();
        });
        t.start();
        Thread.sleep(200);
        t.interrupt();
        assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(thrown.get()).isInstanceOf(LimiterInterruptedException.class);
        assertThat(flag.get()).isTrue();
        held.releaseAsync().join();
        Thread.sleep(200);
        assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
    }

    @Test
    void heldPermitsAreRenewedPastTheirLease() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(1)).build());
        Permit p = limiter.acquire(Duration.ofSeconds(1));
        var firstExpiry = p.leaseExpiresAt().orElseThrow();
        Thread.sleep(2500);
        assertThat(p.isValid()).isTrue();
        assertThat(p.leaseExpiresAt().orElseThrow()).isAfter(firstExpiry);
        assertThat(limiter.tryAcquire()).isEmpty();
        p.close();
    }

    @Test
    void aForceReleasedPermitReportsItsLeaseLost() {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(1)).build());
        Permit p = limiter.acquire(Duration.ofSeconds(1));
        assertThat(admin.release(name, p.id(), true).join()).isTrue();
        await().atMost(Duration.ofSeconds(3)).until(() -> !p.isValid());
        Optional<Permit> other = limiter.tryAcquire();
        assertThat(other).isPresent();
        p.close(); // releasing a lost permit must not free the new holder's permit
        assertThat(limiter.tryAcquire()).isEmpty();
        other.get().close();
    }

    @Test
    void asyncAcquireCompletesOffTheRedisIoThreads() throws Exception {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(1).build());
        AtomicReference<String> thread = new AtomicReference<>();
        Permit p = limiter.acquireAsync(Duration.ofSeconds(1)).thenApply(x -> {
            thread.set(Thread.currentThread().getName());
            return x;
        }).get(5, TimeUnit.SECONDS);
        assertThat(thread.get()).doesNotContain("lettuce");
        p.close();
    }

    @Test
    void closingTheClientReleasesWhatItHolds() {
        DistributedLimiter limiter = define(LimitPolicy.builder().concurrency(2).build());
        limiter.acquire(Duration.ofSeconds(1));
        limiter.acquire(Duration.ofSeconds(1));
        client.close();
        assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
        client = LimiterClient.create(redis.uri());
    }

    @Test
    void closingTheClientRightAfterClosingPermitsStillReleasesThemInRedis() {
        define(LimitPolicy.builder().concurrency(2).lease(Duration.ofSeconds(60)).build());
        try (SlowExchanges slow = new SlowExchanges(LettuceBackend.create(redis.uri()), 700);
                LimiterClient c = LimiterClient.builder().backend(slow).build()) {
            DistributedLimiter limiter = c.limiter(name);
            Permit a = limiter.acquire(Duration.ofSeconds(1));
            Permit b = limiter.acquire(Duration.ofSeconds(1));
            slow.enabled = true; // from now on each exchange call reaches Redis 700 ms late
            a.close();
            b.close();
            assertThat(limiter.heldCount()).isZero();
            // close() did not wait for Redis: both are still held there.
            assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isEqualTo(2);
            c.close(); // nothing held any more, but two releases are still on their way: it waits for them
            assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
        }
    }

    @Test
    void aSecondCloseRacingTheFirstReturnsOnlyOnceTheReleasesReachedRedis() throws Exception {
        define(LimitPolicy.builder().concurrency(2).lease(Duration.ofSeconds(60)).build());
        try (SlowExchanges slow = new SlowExchanges(LettuceBackend.create(redis.uri()), 700);
                LimiterClient c = LimiterClient.builder().backend(slow).build()) {
            Permit a = c.limiter(name).acquire(Duration.ofSeconds(1));
            slow.enabled = true;
            a.close();
            // As in the CLI on SIGTERM: a shutdown hook and the main thread both close the client. The one that
            // comes second must not return (and let the JVM exit) while the first is still flushing the release.
            CompletableFuture<Void> first = CompletableFuture.runAsync(c::close);
            Thread.sleep(100);
            c.close();
            assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
            first.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAcquireAfterClosingPermitsAlwaysSeesTheCapacityTheyFreed() {
        // More releases than one exchange call carries (256) pile up behind slow calls: the acquire that follows
        // them must still reach Redis no earlier than the last of them.
        int n = 300;
        define(LimitPolicy.builder().concurrency(n).lease(Duration.ofSeconds(60)).build());
        try (SlowExchanges slow = new SlowExchanges(LettuceBackend.create(redis.uri()), 300);
                LimiterClient c = LimiterClient.builder().backend(slow).build()) {
            DistributedLimiter limiter = c.limiter(name);
            List<Permit> held = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                held.add(limiter.acquire(Duration.ofSeconds(1)));
            }
            slow.enabled = true;
            held.forEach(Permit::close);
            Optional<Permit> all = limiter.tryAcquire(n);
            assertThat(all).as("a weight-%d acquire right after closing %d permits", n, n).isPresent();
            all.get().releaseAsync().join();
            assertThat(admin.state(name, 10).join().orElseThrow().permitsInUse()).isZero();
        }
    }

    /**
     * Sends every exchange call (acquires and releases) {@code delayMs} late while {@link #enabled}, keeping their
     * order as the client's own connection does.
     */
    private static final class SlowExchanges implements RedisBackend {
        private final LettuceBackend delegate;
        private final long delayMs;
        private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        volatile boolean enabled;

        SlowExchanges(LettuceBackend delegate, long delayMs) {
            this.delegate = delegate;
            this.delayMs = delayMs;
        }

        @Override
        public CompletableFuture<Object> eval(Script script, List<String> keys, List<String> args) {
            if (script != Script.EXCHANGE || !enabled) {
                return delegate.eval(script, keys, args);
            }
            CompletableFuture<Object> reply = new CompletableFuture<>();
            sender.schedule(() -> delegate.eval(script, keys, args).whenComplete((r, e) -> {
                if (e != null) {
                    reply.completeExceptionally(e);
                } else {
                    reply.complete(r);
                }
            }), delayMs, TimeUnit.MILLISECONDS);
            return reply;
        }

        @Override
        public CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener) {
            return delegate.subscribe(channel, listener);
        }

        @Override
        public CompletableFuture<List<String>> scan(String pattern) {
            return delegate.scan(pattern);
        }

        @Override
        public void close() {
            sender.shutdownNow();
            delegate.close();
        }
    }

    @Test
    void aScriptFlushAndARedisRestartNeverBreakTheClient() throws Exception {
        try (RedisProcess own = RedisProcess.start();
                LimiterClient c = LimiterClient.create(own.uri())) {
            LimitPolicy policy = LimitPolicy.builder().concurrency(2).build();
            c.define("restart", policy);
            DistributedLimiter limiter = c.limiter("restart");
            limiter.acquire(Duration.ofSeconds(1)).close();
            assertThat(own.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
            limiter.acquire(Duration.ofSeconds(1)).close();

            own.restart(); // empty again: scripts and policy are gone
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> c.define("restart", policy).equals(policy));
            limiter.acquire(Duration.ofSeconds(5)).close();
        }
    }

    @Test
    void invalidClientSettingsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> LimiterClient.create("http://localhost:6379"))
                .isInstanceOf(LimiterValidationException.class)
                .hasMessageStartingWith("redisUri must be redis://[:password@]host[:port][/database], rediss://..., "
                        + "redis-sentinel://")
                .hasMessageContaining("redis-cluster://").hasMessageEndingWith("was 'http://localhost:6379'");
        assertThatThrownBy(() -> LimiterClient.create("redis-sentinel://127.0.0.1:26379"))
                .hasMessageContaining("a Sentinel URI must name the master after '#'");
        assertThatThrownBy(() -> LimiterClient.create("redis-cluster://:secret@127.0.0.1:7000/3"))
                .hasMessageContaining("Redis Cluster has only database 0").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> LimiterClient.create("redis-cluster://127.0.0.1:7000,,127.0.0.1:7001"))
                .hasMessageContaining("empty seed node");
        assertThatThrownBy(() -> LimiterClient.create("redis://:secret@"))
                .isInstanceOf(LimiterValidationException.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> LimiterClient.builder().commandTimeout(Duration.ZERO))
                .hasMessage("commandTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> LimiterClient.builder().build())
                .hasMessage("redisUri must be set, or a backend given instead (exactly one of the two), was null");
        assertThatThrownBy(() -> LimiterClient.builder().keyPrefix("a b"))
                .hasMessage("keyPrefix must match [A-Za-z0-9._:-]{1,64}, was 'a b'");
    }

    @Test
    void redisDownFailsWithinTheCommandTimeout() {
        int port = RedisProcess.freePort();
        try (LimiterClient c = LimiterClient.builder().redisUri("redis://127.0.0.1:" + port)
                .connectTimeout(Duration.ofMillis(500)).commandTimeout(Duration.ofMillis(500)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.limiter("x").acquire(Duration.ofSeconds(30)))
                    .isInstanceOf(io.limiter.core.LimiterUnavailableException.class)
                    .hasMessageContaining("redis://127.0.0.1:" + port);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
        }
    }

    @Test
    void executionExceptionsCarryOurType() {
        DistributedLimiter limiter = client.limiter(name);
        assertThatThrownBy(() -> limiter.acquireAsync(Duration.ofSeconds(1)).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownLimitException.class);
    }
}
