package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.AcquireRequest;
import io.limiter.core.internal.redis.ExchangeRequest;
import io.limiter.core.internal.redis.ExchangeResult;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.Script;
import io.limiter.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cap under the interleavings an outside review found breaking it, each against a real redis-server: a permit
 * Redis no longer holds is never handed over, a shrink admits no one new, a grant whose answer was lost is released
 * by itself, re-asserted permits follow the new epoch, a delete is final, a huge retry hint breaks nothing, instances
 * keep their own heartbeat expiry, waiters keep their order, and releases stay ahead of later acquires across
 * {@code NOSCRIPT}.
 */
class CapSafetyIT {
    private RedisProcess redis;
    private LettuceBackend adminBackend;
    private LimitStore admin;
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisProcess.start("--enable-debug-command", "local");
        adminBackend = LettuceBackend.create(redis.uri());
        admin = new LimitStore(adminBackend, new KeySchema("limiter"));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeMe.size() - 1; i >= 0; i--) {
            closeMe.get(i).close();
        }
        adminBackend.close();
        redis.stop();
    }

    private LimiterClient client(String instance, Duration commandTimeout, LimiterListener... listeners) {
        LimiterClientBuilder b = LimiterClient.builder().redisUri(redis.uri()).instanceId(instance)
                .connectTimeout(Duration.ofMillis(500)).commandTimeout(commandTimeout);
        for (LimiterListener l : listeners) {
            b.listener(l);
        }
        LimiterClient c = b.build();
        closeMe.add(c);
        return c;
    }

    private LimiterClient client(String instance) {
        return client(instance, Duration.ofSeconds(2));
    }

    /** Item 1: an operator force-releases A's permit and B takes it; A closing it must not give it to A's waiter. */
    @Test
    void aPermitForceReleasedAndTakenElsewhereIsNeverHandedToALocalWaiter() throws Exception {
        LimiterClient a = client("A");
        LimiterClient b = client("B");
        a.define("one", LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(30)).build());
        DistributedLimiter la = a.limiter("one");
        Permit p = la.acquire(Duration.ofSeconds(2));
        CompletableFuture<Permit> waiter = la.acquireAsync(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(2)).until(() -> la.waitingCount() == 1);
        Thread.sleep(100); // its first attempt was denied: it sleeps

        // The operator's force release and B's acquire in one atomic call, so no notification wakes A's waiter.
        ExchangeResult r = admin.exchange(new ExchangeRequest("one", "B", Duration.ZERO,
                List.of(p.id()), true, List.of(new AcquireRequest("b-permit", 1, "")), false)).join();
        assertThat(r.acquired(0).granted()).isTrue();

        p.close(); // A's holder finishes
        Thread.sleep(1_000);
        assertThat(waiter).as("A's waiter must not run while B holds the only permit").isNotDone();
        assertThat(admin.state("one", 10).join().orElseThrow().holders()).extracting(h -> h.permitId())
                .containsExactly("b-permit");

        admin.release("one", "b-permit", false).join();
        Permit next = waiter.get(5, TimeUnit.SECONDS);
        assertThat(next.isValid()).isTrue();
        assertThat(admin.state("one", 10).join().orElseThrow().holders()).extracting(h -> h.permitId())
                .containsExactly(next.id());
        next.close();
        b.close();
    }

    /** Item 2: cap 4 to 1 with 16 threads of 100 ms tasks: no task starts while another runs after the shrink. */
    @Test
    void shrinkingTheCapAdmitsNoOneNewUntilUsageIsUnderTheNewCap() throws Exception {
        LimiterClient c = client("A");
        c.define("shrink", LimitPolicy.builder().concurrency(4).lease(Duration.ofSeconds(30)).build());
        DistributedLimiter limiter = c.limiter("shrink");
        AtomicInteger running = new AtomicInteger();
        AtomicLong shrunkAt = new AtomicLong(Long.MAX_VALUE);
        AtomicInteger startsAfter = new AtomicInteger();
        AtomicInteger overCap = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            workers.add(pool.submit(() -> {
                while (!stop.get()) {
                    Permit p = limiter.acquire(Duration.ofSeconds(10));
                    long startedAt = System.nanoTime();
                    int now = running.incrementAndGet();
                    if (startedAt - shrunkAt.get() > 0) {
                        startsAfter.incrementAndGet();
                        if (now > 1) {
                            overCap.incrementAndGet();
                        }
                    }
                    Thread.sleep(100);
                    running.decrementAndGet();
                    p.close();
                }
                return null;
            }));
        }
        Thread.sleep(800);
        c.replace("shrink", LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(30)).build());
        shrunkAt.set(System.nanoTime());
        Thread.sleep(2_500);
        stop.set(true);
        for (Future<?> w : workers) {
            w.get(15, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf("shrink 4 -> 1: %d tasks started after it, %d of them while another ran%n",
                startsAfter.get(), overCap.get());
        assertThat(startsAfter.get()).as("work goes on under the new cap").isGreaterThan(5);
        assertThat(overCap.get()).as("tasks started after the shrink while another ran").isZero();
    }

    /** Item 3: a grant Redis made after the caller gave up is released even if this client makes no other call. */
    @Test
    void aGrantWhoseAnswerWasLostIsReleasedWithoutAnotherCallOfThisClient() throws Exception {
        LimiterClient a = client("A", Duration.ofMillis(500));
        LimiterClient b = client("B");
        a.define("lost", LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build());
        DistributedLimiter la = a.limiter("lost");
        la.tryAcquire().orElseThrow().releaseAsync().join(); // connected and subscribed

        assertThat(redis.command("CLIENT", "PAUSE", "1500", "ALL")).isEqualTo("+OK");
        long start = System.nanoTime();
        assertThatThrownBy(la::tryAcquire).isInstanceOf(LimiterUnavailableException.class);
        System.out.printf("tryAcquire failed after %d ms of a 1,500 ms pause%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        // Redis runs the queued acquire when the pause ends: a grant nobody received. A makes no other call.
        Permit other = b.limiter("lost").acquire(Duration.ofSeconds(6));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("B got the permit %d ms after A's lost grant (lease 60 s)%n", tookMs);
        assertThat(tookMs).isLessThan(6_000);
        other.close();
    }

    /** Item 4: a permit re-asserted after lost data follows the new epoch, so a later force release is reported. */
    @Test
    void aPermitReassertedAfterLostDataIsReportedLostWhenLaterForceReleased() throws Exception {
        List<Permit> lost = new CopyOnWriteArrayList<>();
        LimiterClient c = client("A", Duration.ofSeconds(2), new LimiterListener() {
            @Override
            public void onLeaseLost(Permit permit) {
                lost.add(permit);
            }
        });
        c.define("epoch", LimitPolicy.builder().concurrency(2).lease(Duration.ofSeconds(3)).build());
        Permit p = c.limiter("epoch").acquire(Duration.ofSeconds(2));
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK"); // Redis lost its data
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.state("epoch", 10).join()
                .map(s -> s.holders().stream().anyMatch(h -> h.permitId().equals(p.id()))).orElse(false));
        assertThat(p.isValid()).isTrue();
        assertThat(admin.release("epoch", p.id(), true).join()).isTrue();
        await().atMost(Duration.ofSeconds(4)).until(() -> !p.isValid());
        assertThat(lost).containsExactly(p);
        Thread.sleep(1_500); // another renewal tick: it stays released
        assertThat(admin.state("epoch", 10).join().orElseThrow().permitsInUse()).isZero();
    }

    /** Item 5: an operator's delete is not undone by a client that had defined the limit. */
    @Test
    void anOperatorDeleteIsFinalUntilAnExplicitDefine() throws Exception {
        LimiterClient c = client("A");
        LimitPolicy policy = LimitPolicy.builder().concurrency(2).lease(Duration.ofSeconds(3)).build();
        c.define("gone", policy);
        DistributedLimiter limiter = c.limiter("gone");
        Permit p = limiter.acquire(Duration.ofSeconds(2));
        CompletableFuture<Permit> waiting = limiter.acquireAsync(Duration.ofSeconds(10));
        Permit second = waiting.get(2, TimeUnit.SECONDS);
        CompletableFuture<Permit> third = limiter.acquireAsync(Duration.ofSeconds(10));

        assertThat(admin.delete("gone").join()).isTrue();
        assertThat(third).failsWithin(Duration.ofSeconds(3)).withThrowableOfType(Exception.class)
                .havingRootCause().isInstanceOfSatisfying(UnknownLimitException.class,
                        e -> assertThat(e.wasDeleted()).isTrue());
        await().atMost(Duration.ofSeconds(3)).until(() -> !p.isValid() && !second.isValid());
        assertThatThrownBy(limiter::tryAcquire).isInstanceOfSatisfying(UnknownLimitException.class,
                e -> assertThat(e.wasDeleted()).isTrue());
        Thread.sleep(1_500); // renewals and acquires have run: still deleted
        assertThat(admin.state("gone", 0).join()).isEmpty();
        p.close();
        second.close();

        c.define("gone", policy); // explicit: back
        assertThat(limiter.tryAcquire()).isPresent();
    }

    /** Item 6: a retry hint too large for nanoseconds breaks neither its call's other requests nor tryAcquire. */
    @Test
    void aHugeRetryHintNeverKillsTheOtherRequestsOfItsCall() throws Exception {
        LimiterClient c = client("A");
        c.define("slow", LimitPolicy.builder().rate(1, Duration.ofHours(24)).burst(1_000_000_000).build());
        DistributedLimiter limiter = c.limiter("slow");
        assertThat(limiter.tryAcquire(1_000_000_000)).isPresent(); // the bucket is empty now
        assertThat(limiter.acquireAsync(Duration.ofMillis(100))).failsWithin(Duration.ofSeconds(3)); // subscribed
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            // Several rounds, so that a denied heavy request and tries share a call in at least one of them.
            for (int round = 0; round < 6; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<Permit>>> tries = new ArrayList<>();
                List<Future<?>> heavy = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    heavy.add(pool.submit(() -> {
                        go.await();
                        return limiter.acquire(200_000_000, Duration.ofMillis(300));
                    }));
                }
                for (int i = 0; i < 16; i++) {
                    tries.add(pool.submit(() -> {
                        go.await();
                        return limiter.tryAcquire();
                    }));
                }
                go.countDown();
                for (Future<Optional<Permit>> t : tries) {
                    assertThat(t.get(5, TimeUnit.SECONDS)).as("round %d", round).isEmpty();
                }
                for (Future<?> h : heavy) {
                    assertThat(h).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(Exception.class)
                            .havingRootCause().isInstanceOf(io.limiter.core.LimiterTimeoutException.class);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(limiter.tryAcquire()).isEmpty(); // the limiter still answers
    }

    /** Item 7: an instance beating every second never drops one that beats every ten seconds. */
    @Test
    void instancesWithDifferentHeartbeatIntervalsKeepEachOtherListed() throws Exception {
        LimiterClient slow = LimiterClient.builder().redisUri(redis.uri()).instanceId("slow")
                .heartbeatInterval(Duration.ofSeconds(10)).build();
        closeMe.add(slow);
        LimiterClient fast = LimiterClient.builder().redisUri(redis.uri()).instanceId("fast")
                .heartbeatInterval(Duration.ofSeconds(1)).build();
        closeMe.add(fast);
        await().atMost(Duration.ofSeconds(3)).until(() -> admin.instances().join().size() == 2);
        int missing = 0;
        for (int i = 0; i < 40; i++) {
            if (admin.instances().join().stream().noneMatch(x -> x.id().equals("slow"))) {
                missing++;
            }
            Thread.sleep(125);
        }
        assertThat(missing).as("polls (of 40, over 5 s) in which the 10 s instance was not listed").isZero();
    }

    /** Item 8: waiters that arrive before the limiter's first subscription is up keep their order (fair limit). */
    @Test
    void waitersQueuedBeforeTheFirstSubscriptionAreServedInCallOrder() throws Exception {
        LimiterClient holderClient = client("holder");
        holderClient.define("order", LimitPolicy.builder().concurrency(1).fair(true).build());
        Permit held = holderClient.limiter("order").acquire(Duration.ofSeconds(2));
        for (int round = 0; round < 6; round++) {
            LimiterClient fresh = client("fresh-" + round);
            DistributedLimiter limiter = fresh.limiter("order");
            List<Integer> served = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int index = i;
                done.add(limiter.acquireAsync(Duration.ofSeconds(20)).thenAccept(p -> {
                    served.add(index);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    p.close();
                }));
                Thread.sleep(1);
            }
            await().atMost(Duration.ofSeconds(3)).until(() -> admin.state("order", 0).join().orElseThrow()
                    .queued() == 6);
            held.close();
            CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
            assertThat(served).as("round %d", round).containsExactly(0, 1, 2, 3, 4, 5);
            held = holderClient.limiter("order").acquire(Duration.ofSeconds(5));
        }
        held.close();
    }

    /** Item 9: with scripts flushed and loaded again by others all the time, a release stays ahead of an acquire. */
    @Test
    void aReleaseStaysAheadOfALaterAcquireWhileScriptsAreFlushedAndLoadedByOthers() throws Exception {
        LimiterClient c = client("A");
        c.define("flush", LimitPolicy.builder().concurrency(1).build());
        DistributedLimiter limiter = c.limiter("flush");
        AtomicBoolean stop = new AtomicBoolean();
        RedisClient other = RedisClient.create(redis.uri());
        Thread loader = new Thread(() -> {
            try (StatefulRedisConnection<String, String> conn = other.connect()) {
                RedisCommands<String, String> cmd = conn.sync();
                while (!stop.get()) {
                    cmd.scriptFlush();
                    cmd.scriptLoad(Script.EXCHANGE.source()); // another process loading the same script
                }
            }
        });
        loader.start();
        int denied = 0;
        try {
            for (int i = 0; i < 2_000; i++) {
                Optional<Permit> p = limiter.tryAcquire();
                if (p.isEmpty()) {
                    denied++;
                    limiter.acquire(Duration.ofSeconds(5)).close();
                } else {
                    p.get().close();
                }
            }
        } finally {
            stop.set(true);
            loader.join(5_000);
            other.shutdown();
        }
        assertThat(denied).as("tryAcquire denied although this client had just released the only permit").isZero();
    }
}
