package io.limiter.client.internal;

import io.limiter.client.Permit;
import io.limiter.core.LimiterTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One acquire call of this process and its answer. A waiting one ({@code singleShot} false) lives in the
 * {@link WaiterQueue}, whose lock guards its mutable state; a single-shot one makes exactly one attempt.
 */
final class Waiter {
    /** PENDING: queued before the limit's subscription was up; it attempts, in order, once it is. */
    enum State { PENDING, SLEEPING, ATTEMPTING }

    final int weight;
    final Duration timeout;
    /** One attempt only (a try, or a zero timeout). */
    final boolean singleShot;
    /** A try: a denial answers empty instead of a timeout. */
    final boolean tryOnly;
    final CompletableFuture<Permit> future = new CompletableFuture<>();
    final long startNanos;
    /** The waiter's place in a fair limit's queue across instances ("" for a single shot). */
    final String ticket;

    // Guarded by the queue's lock.
    State state = State.ATTEMPTING;
    /** A wake-up (its ticket's, on a fair limit) arrived while its attempt was in flight. */
    boolean wakePending;
    /** Its ticket waits in a fair limit's queue in Redis (kept alive, taken out when it gives up). */
    boolean queuedTicket;

    /** Set once its attempt found the limit gone and asked for it to be defined again (at most once). */
    volatile boolean redefined;

    Waiter(int weight, Duration timeout, boolean singleShot, boolean tryOnly, long startNanos) {
        this.startNanos = startNanos;
        this.weight = weight;
        this.timeout = timeout;
        this.singleShot = singleShot;
        this.tryOnly = tryOnly;
        this.ticket = singleShot ? "" : newId();
    }

    /**
     * Arms this waiter's deadline: once its timeout ran out it fails with a timeout and {@code onTimeout} runs; the
     * deadline is cancelled as soon as the waiter completes otherwise.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the client is closed
     */
    void armDeadline(Clock clock, String limit, Runnable onTimeout) {
        Clock.Cancellable deadline = clock.schedule(() -> {
            if (future.completeExceptionally(new LimiterTimeoutException(limit, weight, timeout))) {
                onTimeout.run();
            }
        }, timeout.toNanos());
        future.whenComplete((p, e) -> deadline.cancel());
    }

    /** A fresh random id (permits and tickets). */
    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
