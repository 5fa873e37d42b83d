package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.limiter.client.LimitedExecutor.OnFailure;
import io.limiter.client.LimitedExecutor.WhenFull;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The task pool on a cluster-wide cap: results, errors, waiting, queue limits, cancellation and draining. */
@ExtendWith(RedisExtension.class)
class LimitedExecutorIT {
    private static final String PREFIX = "exec" + UUID.randomUUID().toString().substring(0, 6);
    private final TestRedis redis;
    private LimiterClient client;
    private LettuceBackend adminBackend;
    private LimitStore admin;
    private String name;

    LimitedExecutorIT(TestRedis redis) {
        this.redis = redis;
    }

    @BeforeEach
    void open() {
        client = LimiterClient.builder().redisUri(redis.uri()).keyPrefix(PREFIX).build();
        adminBackend = LettuceBackend.create(redis.uri());
        admin = new LimitStore(adminBackend, new KeySchema(PREFIX));
        name = "exec-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        client.close();
        adminBackend.close();
    }

    private DistributedLimiter limit(int permits) {
        client.define(name, LimitPolicy.builder().concurrency(permits).build());
        return client.limiter(name);
    }

    private long inUse() {
        return admin.state(name, 0).join().orElseThrow().permitsInUse();
    }

    /**
     * Every permit was released in Redis. Permit.close() does not wait for Redis, so the last releases may still be
     * on their way: they arrive within a round trip, far sooner than a leaked permit's 30 s lease would run out.
     */
    private void assertNothingInUseSoon() {
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(inUse()).isZero());
    }

    @Test
    void executeFailuresGoToTheHandlerAndTheirPermitsAreReleased() throws Exception {
        DistributedLimiter limiter = limit(1);
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        try (LimitedExecutor pool = LimitedExecutor.builder(limiter).onExecuteFailure(seen::add).build()) {
            pool.execute(() -> {
                throw boom;
            });
            pool.execute(() -> { });
            assertThat(pool.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> seen.size() == 1);
        assertThat(seen).containsExactly(boom);
        assertNothingInUseSoon();
    }

    @Test
    void mapReturnsResultsInOrderUnderTheCap() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        try (LimitedExecutor pool = LimitedExecutor.builder(limit(3)).build()) {
            List<Integer> out = pool.map(IntStream.range(0, 60).boxed().toList(), i -> {
                highest.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.sleep(3);
                running.decrementAndGet();
                return i * i;
            });
            assertThat(out).containsExactlyElementsOf(IntStream.range(0, 60).map(i -> i * i).boxed().toList());
        }
        assertThat(highest.get()).isEqualTo(3);
        assertNothingInUseSoon();
    }

    @Test
    void theCapHoldsAcrossTwoExecutorsInTwoJvms() throws Exception {
        DistributedLimiter limiter = limit(2);
        Path dir = Files.createTempDirectory("limiter-exec");
        Process child = ChildWorker.spawn("executor", redis.uri(), PREFIX, name, "300",
                dir.resolve("child").toString());
        List<long[]> mine = Collections.synchronizedList(new ArrayList<>());
        try (LimitedExecutor pool = LimitedExecutor.builder(limiter).build()) {
            pool.forEach(IntStream.range(0, 300).boxed().toList(), i -> {
                long s = ChildWorker.micros();
                Thread.sleep(2 + i % 5);
                mine.add(new long[] {s, ChildWorker.micros()});
            });
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        List<long[]> theirs = ChildWorker.readIntervals(dir.resolve("child"));
        List<long[]> all = new ArrayList<>(mine);
        all.addAll(theirs);
        int highest = ChildWorker.highestOverlap(all);
        System.out.printf("two executors in two JVMs on cap 2: %d + %d tasks, highest at once %d%n", mine.size(),
                theirs.size(), highest);
        assertThat(theirs).hasSize(300);
        assertThat(highest).isEqualTo(2);
    }

    @Test
    void errorsReachTheFutureAndThePermitIsReleased() {
        try (LimitedExecutor pool = LimitedExecutor.builder(limit(1)).build()) {
            CompletableFuture<String> f = pool.submit(() -> {
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("boom");
            assertThat(pool.submit(() -> "next").join()).isEqualTo("next");
        }
        assertNothingInUseSoon();
    }

    @Test
    void awaitIdleReturnsOnlyWhenEverythingIsDone() {
        AtomicInteger done = new AtomicInteger();
        try (LimitedExecutor pool = LimitedExecutor.builder(limit(2)).build()) {
            for (int i = 0; i < 10; i++) {
                pool.execute(() -> {
                    sleep(50);
                    done.incrementAndGet();
                });
            }
            assertThat(pool.isIdle()).isFalse();
            assertThat(pool.awaitIdle(Duration.ofMillis(50))).isFalse();
            assertThat(pool.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(done.get()).isEqualTo(10);
            assertThat(pool.activeCount()).isZero();
            assertThat(pool.queuedCount()).isZero();
        }
    }

    @Test
    void activeAndQueuedCountsTellWhatIsGoingOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LimitedExecutor pool = LimitedExecutor.builder(limit(2)).build()) {
            for (int i = 0; i < 5; i++) {
                pool.submit(() -> {
                    release.await();
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.activeCount() == 2 && pool.queuedCount() == 3);
            release.countDown();
        }
    }

    @Test
    void cancelOnFirstFailureStopsTheRest() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        try (LimitedExecutor pool = LimitedExecutor.builder(limit(2)).build()) {
            assertThatThrownBy(() -> pool.forEach(IntStream.range(0, 50).boxed().toList(), i -> {
                started.incrementAndGet();
                if (i == 3) {
                    throw new IllegalArgumentException("item 3 is bad");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                }
            }, OnFailure.CANCEL_REST)).isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("task 3 of").hasRootCauseMessage("item 3 is bad");
            assertThat(pool.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        System.out.printf("cancel-on-first-failure: %d of 50 tasks started, %d interrupted%n", started.get(),
                interrupted.get());
        assertThat(started.get()).isLessThan(10);
        assertNothingInUseSoon();
    }

    @Test
    void continueOnFailureRunsEveryItem() {
        AtomicInteger ran = new AtomicInteger();
        try (LimitedExecutor pool = LimitedExecutor.builder(limit(3)).build()) {
            assertThatThrownBy(() -> pool.forEach(IntStream.range(0, 20).boxed().toList(), i -> {
                ran.incrementAndGet();
                if (i % 5 == 0) {
                    throw new IllegalStateException("bad " + i);
                }
            })).isInstanceOf(TaskFailedException.class).satisfies(e -> {
                assertThat(((TaskFailedException) e).index()).isZero();
                assertThat(e.getSuppressed()).hasSize(3);
            });
        }
        assertThat(ran.get()).isEqualTo(20);
    }

    @Test
    void aFullQueueRejectsOrBlocksAsChosen() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DistributedLimiter limiter = limit(1);
        try (LimitedExecutor pool = LimitedExecutor.builder(limiter).queueCapacity(2).whenFull(WhenFull.REJECT)
                .build()) {
            pool.submit(() -> {
                release.await();
                return null;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.activeCount() == 1);
            pool.submit(() -> null);
            pool.submit(() -> null);
            assertThatThrownBy(() -> pool.submit(() -> null)).isInstanceOf(RejectedExecutionException.class)
                    .hasMessage("the queue of the limited executor for limit '" + name
                            + "' is full (2 tasks waiting for a permit)");
            release.countDown();
        }
        CountDownLatch release2 = new CountDownLatch(1);
        try (LimitedExecutor pool = LimitedExecutor.builder(limiter).queueCapacity(1).whenFull(WhenFull.BLOCK)
                .build()) {
            pool.submit(() -> {
                release2.await();
                return null;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.activeCount() == 1);
            pool.submit(() -> null);
            CompletableFuture<CompletableFuture<Object>> blocked = CompletableFuture.supplyAsync(
                    () -> pool.submit(() -> "third"));
            Thread.sleep(300);
            assertThat(blocked).isNotDone();
            release2.countDown();
            assertThat(blocked.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS)).isEqualTo("third");
        }
    }

    @Test
    void closeDrainsQueuedAndRunningTasks() {
        AtomicInteger done = new AtomicInteger();
        LimitedExecutor pool = LimitedExecutor.builder(limit(2)).build();
        for (int i = 0; i < 8; i++) {
            pool.execute(() -> {
                sleep(40);
                done.incrementAndGet();
            });
        }
        pool.close();
        assertThat(done.get()).isEqualTo(8);
        assertThat(pool.isIdle()).isTrue();
        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("is closed");
        assertNothingInUseSoon();
    }

    @Test
    void shutdownNowCancelsQueuedTasksWhichNeverRunAndHoldNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        LimitedExecutor pool = LimitedExecutor.builder(limit(1)).build();
        CompletableFuture<Object> first = pool.submit(() -> {
            release.await();
            return null;
        });
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(pool.submit(() -> {
                ran.incrementAndGet();
            }));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.activeCount() == 1);
        assertThat(pool.shutdownNow()).isEqualTo(5);
        assertThat(queued).allSatisfy(f -> assertThat(f).isCancelled());
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertThat(pool.awaitIdle(Duration.ofSeconds(5))).isTrue();
        Thread.sleep(200);
        assertThat(ran.get()).isZero();
        assertNothingInUseSoon();
    }

    @Test
    void aTaskCancelledOrTimedOutWhileWaitingNeverRunsAndARunningOneIsInterrupted() throws Exception {
        DistributedLimiter limiter = limit(1);
        Permit blocker = limiter.acquire(Duration.ofSeconds(1));
        AtomicInteger ran = new AtomicInteger();
        try (LimitedExecutor pool = LimitedExecutor.builder(limiter).acquireTimeout(Duration.ofMillis(200)).build()) {
            CompletableFuture<Object> timedOut = pool.submit(() -> ran.incrementAndGet());
            assertThatThrownBy(() -> timedOut.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LimiterTimeoutException.class);
        }
        try (LimitedExecutor pool = LimitedExecutor.builder(limiter).build()) {
            CompletableFuture<Object> cancelled = pool.submit(() -> ran.incrementAndGet());
            Thread.sleep(100);
            assertThat(cancelled.cancel(true)).isTrue();
            blocker.close();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Object> running = pool.submit(() -> {
                started.countDown();
                Thread.sleep(30_000);
                return null;
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            running.cancel(true);
            assertThatThrownBy(running::join).isInstanceOf(CancellationException.class);
            assertThat(pool.awaitIdle(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(ran.get()).isZero();
        assertNothingInUseSoon();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
