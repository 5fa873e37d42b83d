package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For failover tests: a background loop that acquires and releases one limit and tells how long after a fault
 * the first acquire started after it succeeded, and a check that a release wakes another client's waiter.
 */
final class FailoverProbe implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong faultAt = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong firstSuccessAfterFault = new AtomicLong();
    private final AtomicInteger successes = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final CompletableFuture<Void> loop;

    /** Starts acquiring (1 s timeout) and releasing {@code limiter}, holding each permit {@code holdMs}. */
    FailoverProbe(DistributedLimiter limiter, long holdMs) {
        loop = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                long startedAt = System.nanoTime();
                try (Permit p = limiter.acquire(Duration.ofSeconds(1))) {
                    successes.incrementAndGet();
                    if (startedAt > faultAt.get()) {
                        firstSuccessAfterFault.compareAndSet(0, System.nanoTime());
                    }
                    sleep(holdMs);
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    sleep(50);
                }
            }
        });
    }

    int successes() {
        return successes.get();
    }

    int failures() {
        return failures.get();
    }

    /** The fault just happened: only acquires started from now on count as resumed. */
    void faultNow() {
        faultAt.set(System.nanoTime());
    }

    /** Waits up to {@code max} for an acquire started after the fault to succeed; how long after the fault it did. */
    Duration awaitResumed(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (firstSuccessAfterFault.get() == 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(firstSuccessAfterFault.get()).as("an acquire succeeded after the fault").isPositive();
        return Duration.ofNanos(firstSuccessAfterFault.get() - faultAt.get());
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        loop.get(10, TimeUnit.SECONDS);
    }

    /**
     * {@code holder} takes all {@code cap} permits of {@code name}, {@code waiter} waits for one; returns how long
     * after one release (confirmed by Redis) the waiter got in.
     */
    static Duration wokenAfterRelease(LimiterClient holder, LimiterClient waiter, String name, int cap)
            throws Exception {
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < cap; i++) {
            held.add(holder.limiter(name).acquire(Duration.ofSeconds(5)));
        }
        CompletableFuture<Long> acquiredAt = CompletableFuture.supplyAsync(() -> {
            try (Permit p = waiter.limiter(name).acquire(Duration.ofSeconds(20))) {
                return System.nanoTime();
            }
        });
        sleep(300);
        assertThat(acquiredAt).as("the waiter waits while the cap is held").isNotDone();
        long releasedAt = System.nanoTime();
        held.get(0).releaseAsync().get(5, TimeUnit.SECONDS);
        long got = acquiredAt.get(25, TimeUnit.SECONDS);
        for (Permit p : held.subList(1, held.size())) {
            p.close();
        }
        return Duration.ofNanos(Math.max(0, got - releasedAt));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
