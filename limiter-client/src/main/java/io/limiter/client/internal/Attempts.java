package io.limiter.client.internal;

import io.limiter.client.RedisDownPolicy;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.AcquireRequest;
import io.limiter.core.internal.redis.AcquireResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * One limit's acquire attempts: sends them through the {@link Dispatcher} and applies what Redis answered. A grant
 * becomes a permit (its lease renewed from then on), a denial goes back to the {@link WaiterQueue} (or answers a
 * single shot), a vanished limit goes to {@link LimitRecovery} (one more try if it was defined again), and Redis
 * unreachable takes the Redis-down path of the limit's {@link RedisDownPolicy}. Thread-safe.
 */
final class Attempts {
    private final DefaultLimiter limiter;
    private final WaiterQueue queue;
    private final Dispatcher dispatcher;
    private final LimitRecovery recovery;
    private final LeaseRenewer renewer;
    private final LocalFallback fallback;
    private final RedisHealth health;
    private final Clock clock;

    Attempts(DefaultLimiter limiter, WaiterQueue queue, Dispatcher dispatcher, LimitRecovery recovery,
            LeaseRenewer renewer, LocalFallback fallback, RedisHealth health, Clock clock) {
        this.limiter = limiter;
        this.queue = queue;
        this.dispatcher = dispatcher;
        this.recovery = recovery;
        this.renewer = renewer;
        this.fallback = fallback;
        this.health = health;
        this.clock = clock;
    }

    /** Queues {@code w}'s attempt (see {@link Dispatcher#offer}); call holding the queue's lock. */
    boolean offer(Waiter w) {
        return dispatcher.offer(request(w, false));
    }

    /** Sends {@code w}'s attempt. */
    void attempt(Waiter w) {
        dispatcher.acquire(request(w, false));
    }

    /** Sends the next batch on a slot {@link #offer} took. */
    void send() {
        dispatcher.send();
    }

    /**
     * The one attempt of a single shot, with a deadline of its own: whatever happens to the call, the caller gets an
     * answer.
     *
     * @throws RejectedExecutionException if the client is closed
     */
    void single(Waiter w, Duration bound) {
        Clock.Cancellable deadline = clock.schedule(() -> w.future.completeExceptionally(
                new LimiterUnavailableException("no answer from Redis within " + bound.toMillis()
                        + " ms for limit '" + limiter.name() + "'", null)), bound.toNanos());
        w.future.whenComplete((p, e) -> deadline.cancel());
        queue.singleShotStarted();
        attempt(w);
    }

    /** Up to {@code n} sleeping waiters' attempts, to ride on a batch that releases permits. */
    List<Dispatcher.Acquire> handOffTo(int n) {
        List<Waiter> chosen = queue.handOff(n);
        List<Dispatcher.Acquire> out = new ArrayList<>(chosen.size());
        for (Waiter w : chosen) {
            out.add(request(w, true));
        }
        return out;
    }

    /** The limit's subscription failed: the waiters queued before it was up fail (or take the Redis-down path). */
    void subscriptionFailed(Throwable e) {
        List<Waiter> failed = queue.takePending();
        Throwable cause = Futures.unwrap(e);
        if (cause instanceof LimiterUnavailableException) {
            health.markDown(cause);
        }
        for (Waiter w : failed) {
            if (cause instanceof LimiterUnavailableException) {
                degraded(w, cause);
            } else {
                w.future.completeExceptionally(cause);
            }
        }
    }

    /** @param handOff the attempt rides a release of this process (a hand-off) */
    private Dispatcher.Acquire request(Waiter w, boolean handOff) {
        String id = Waiter.newId();
        long sentAt = clock.nanoTime();
        return new Dispatcher.Acquire(new AcquireRequest(id, w.weight, w.singleShot ? "" : w.ticket),
                (r, e) -> onResult(w, id, sentAt, handOff, r, e));
    }

    private void onResult(Waiter w, String id, long sentAt, boolean handOff, AcquireResult r, Throwable e) {
        if (e != null) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof UnknownLimitException missing && !w.redefined) {
                w.redefined = true;
                recovery.onMissing(missing).whenComplete((gone, re) -> {
                    if (re == null && gone.isEmpty()) {
                        attempt(w); // defined again: one more try
                    } else {
                        failed(w, re == null ? gone.get() : missing);
                    }
                });
                return;
            }
            failed(w, cause);
            return;
        }
        health.markUp();
        limiter.learn(r.policy());
        Listeners listeners = limiter.listeners();
        if (!listeners.isEmpty()) {
            long rtt = clock.nanoTime() - sentAt;
            listeners.fire(l -> l.onAttempt(limiter, Duration.ofNanos(rtt), r.granted()));
        }
        if (r.granted()) {
            DefaultPermit permit = new DefaultPermit(id, limiter, w.weight, r.leaseExpiresAtMs(),
                    sentAt + r.lease().toNanos(), r.policy().epoch(), clock);
            if (permit.leased()) {
                renewer.add(permit, r.lease());
            }
            boolean wakeNext = queue.granted(w, r.roomLeft(), handOff, r.retryAfter());
            if (!w.future.isDone() && !listeners.isEmpty()) {
                Duration waited = Duration.ofNanos(clock.nanoTime() - w.startNanos);
                listeners.fire(l -> l.onAcquired(limiter, permit, waited));
            }
            if (!w.future.complete(permit)) {
                permit.releaseAsync();
            }
            if (wakeNext) {
                queue.wakeOne();
            }
            return;
        }
        if (w.singleShot) {
            queue.singleShotDenied();
            if (w.future.completeExceptionally(w.tryOnly ? NoPermitNow.INSTANCE
                    : new LimiterTimeoutException(limiter.name(), w.weight, w.timeout))) {
                listeners.fire(l -> l.onTimeout(limiter, w.weight, Duration.ZERO));
            }
            return;
        }
        queue.denied(w, r.policy().fair(), r.retryAfter());
    }

    /** An attempt failed for good: the waiter leaves with {@code cause} (or the Redis-down path). */
    private void failed(Waiter w, Throwable cause) {
        queue.failed(w);
        if (cause instanceof LimiterUnavailableException) {
            health.markDown(cause);
            degraded(w, cause);
        } else {
            w.future.completeExceptionally(cause);
        }
        if (!w.singleShot) {
            queue.wakeOne();
        }
    }

    /** Redis is unreachable: fail (FAIL_CLOSED) or grant locally, per this limit's policy. */
    void degraded(Waiter w, Throwable cause) {
        RedisDownPolicy mode = limiter.client().config().redisDownPolicy(limiter.name());
        if (mode == RedisDownPolicy.FAIL_CLOSED) {
            w.future.completeExceptionally(cause instanceof LimiterUnavailableException ? cause
                    : new LimiterUnavailableException("Redis is unreachable (since " + health.downSince()
                            + ")", cause));
            return;
        }
        fallback.acquire(mode, w.weight, w.singleShot ? clock.nanoTime() : w.startNanos + w.timeout.toNanos(),
                w.timeout, w.future, cause);
    }

    /** Internal signal: a single attempt was denied. */
    static final class NoPermitNow extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NoPermitNow INSTANCE = new NoPermitNow();

        private NoPermitNow() {
            super("denied", null, false, false);
        }
    }
}
