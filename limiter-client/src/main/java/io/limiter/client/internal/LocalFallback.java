package io.limiter.client.internal;

import io.limiter.client.Permit;
import io.limiter.client.RedisDownPolicy;
import io.limiter.core.CalendarWindow;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterClosedException;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.redis.AcquireResult.PolicyRead;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grants for one limit while Redis is unreachable. FAIL_OPEN: always. LOCAL_FALLBACK: under a local cap, the last
 * known policy divided by the live instances last seen (at least 1 permit, and a token bucket at the divided
 * rate), with FIFO waiters bounded by their own deadlines.
 */
final class LocalFallback {
    private static final Logger log = LoggerFactory.getLogger(LocalFallback.class);

    private final DefaultLimiter limiter;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private volatile PolicyRead policy;
    private int inUse;
    private double tokens = -1;
    private long refilledAt;
    /** The local share of a quota: units granted locally in the window ending at {@link #quotaEndMs}. */
    private long quotaUsed;
    private long quotaEndMs;
    private ScheduledFuture<?> timer;

    private record Pending(int weight, long deadlineNanos, Duration timeout, CompletableFuture<Permit> future) {
    }

    /** Client closing: waiters for a local permit fail instead of hanging. */
    void shutdown() {
        java.util.List<Pending> pending;
        synchronized (this) {
            pending = new java.util.ArrayList<>(waiting);
            waiting.clear();
        }
        for (Pending p : pending) {
            p.future.completeExceptionally(new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED));
        }
    }

    LocalFallback(DefaultLimiter limiter) {
        this.limiter = limiter;
    }

    /** The limit's policy as last answered by Redis, or null. */
    PolicyRead policy() {
        return policy;
    }

    /** Remembers the limit's policy from every Redis answer. */
    void learn(PolicyRead read) {
        this.policy = read;
    }

    /** Grants (or queues) an acquire under {@code mode}; completes {@code future}. */
    void acquire(RedisDownPolicy mode, int weight, long deadlineNanos, Duration timeout,
            CompletableFuture<Permit> future, Throwable cause) {
        if (mode == RedisDownPolicy.FAIL_OPEN) {
            grant(future, weight, mode, null);
            return;
        }
        PolicyRead p = policy;
        if (p == null || p.policy().isEmpty()) {
            future.completeExceptionally(new LimiterUnavailableException("Redis is unreachable and limit '"
                    + limiter.name() + "' has no known policy for a local fallback cap yet", cause));
            return;
        }
        Pending pending = new Pending(weight, deadlineNanos, timeout, future);
        synchronized (this) {
            waiting.addLast(pending);
        }
        future.whenComplete((x, e) -> {
            synchronized (this) {
                waiting.removeIf(w -> w.future == future);
            }
        });
        drain(); // first, so a try that fits is granted before its (zero) deadline can fire
        armDeadline(pending);
    }

    /** Local cap for LOCAL_FALLBACK: the permits divided by the live instances, at least 1. */
    int localCap() {
        LimitPolicy p = known();
        if (p == null || !p.hasConcurrency()) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, p.permits() / Math.max(1, limiter.client().liveInstances()));
    }

    private LimitPolicy known() {
        PolicyRead p = policy;
        return p == null ? null : p.policy().orElse(null);
    }

    private void drain() {
        while (true) {
            Pending next;
            long waitNanos = 0;
            synchronized (this) {
                next = waiting.peekFirst();
                if (next == null) {
                    return;
                }
                if (next.future.isDone()) {
                    waiting.pollFirst();
                    continue;
                }
                if (inUse + next.weight > localCap()) {
                    return; // a local close drains again
                }
                if (!quotaAllows(next.weight)) {
                    arm(TimeUnit.MILLISECONDS.toNanos(Math.max(1, quotaEndMs - System.currentTimeMillis())));
                    return; // the local share of this window is used up: the next window drains the waiters
                }
                waitNanos = takeTokens(next.weight);
                if (waitNanos > 0) {
                    arm(waitNanos);
                    return;
                }
                quotaUsed += next.weight;
                waiting.pollFirst();
                inUse += next.weight;
            }
            Pending p = next;
            grant(p.future, p.weight, RedisDownPolicy.LOCAL_FALLBACK, () -> {
                synchronized (this) {
                    inUse -= p.weight;
                }
                drain();
            });
        }
    }

    /**
     * Whether the local share of the quota (the quota divided by the live instances, per calendar window of the
     * policy's zone on this machine's clock) has room for {@code weight}. Called under the lock.
     */
    private boolean quotaAllows(int weight) {
        LimitPolicy p = known();
        if (p == null || !p.hasQuota()) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (now >= quotaEndMs) {
            CalendarWindow.Span span = p.window().spanAt(java.time.Instant.ofEpochMilli(now), p.zone());
            quotaEndMs = span.end().toEpochMilli();
            quotaUsed = 0;
        }
        long share = Math.max(1, p.quota() / Math.max(1, limiter.client().liveInstances()));
        return quotaUsed + weight <= share;
    }

    /** Takes tokens from the local bucket; returns 0, or the nanos until enough are there. */
    private long takeTokens(int weight) {
        LimitPolicy p = known();
        if (p == null || !p.hasRate()) {
            return 0;
        }
        int instances = Math.max(1, limiter.client().liveInstances());
        double rate = (double) p.rate() / instances / (p.period().toMillis() * 1_000_000.0);
        double burst = Math.max(1, p.burst() / (double) instances);
        long now = System.nanoTime();
        if (tokens < 0) {
            tokens = burst;
            refilledAt = now;
        }
        tokens = Math.min(burst, tokens + (now - refilledAt) * rate);
        refilledAt = now;
        if (tokens >= weight) {
            tokens -= weight;
            return 0;
        }
        return (long) Math.ceil((weight - tokens) / rate);
    }

    private void arm(long nanos) {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = limiter.client().timer().schedule(this::drain, nanos, TimeUnit.NANOSECONDS);
    }

    private void armDeadline(Pending p) {
        if (p.future.isDone()) {
            return;
        }
        long left = Math.max(0, p.deadlineNanos - System.nanoTime());
        ScheduledFuture<?> deadline = limiter.client().timer().schedule(() -> {
            if (p.future.completeExceptionally(new LimiterTimeoutException(limiter.name(), p.weight, p.timeout))) {
                drain();
            }
        }, left, TimeUnit.NANOSECONDS);
        p.future.whenComplete((x, e) -> deadline.cancel(false)); // no timer left behind per acquire
    }

    private void grant(CompletableFuture<Permit> future, int weight, RedisDownPolicy mode, Runnable onClose) {
        LocalPermit permit = new LocalPermit("local-" + limiter.client().instanceId() + "-" + ids.incrementAndGet(),
                limiter.name(), weight, onClose != null ? onClose : () -> { });
        long n = granted.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn("Redis is unreachable: limit '{}' granted {} local permit(s) under {} (local cap {})",
                    limiter.name(), n, mode, mode == RedisDownPolicy.FAIL_OPEN ? "none" : localCap());
        }
        if (future.isDone()) {
            permit.close();
            return;
        }
        // Counted before the caller sees it, so a metric read right after the acquire includes it.
        limiter.listeners().fire(l -> l.onLocalGrant(limiter, permit, mode));
        if (!future.complete(permit)) {
            permit.close();
        }
    }
}
