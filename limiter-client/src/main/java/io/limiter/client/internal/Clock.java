package io.limiter.client.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time for the client core: a ticker and a scheduler in one seam, so the state machines (dispatcher, waiter
 * queue, renewer) run in tests on fake time without sleeping. Inside Redis, time is always Redis {@code TIME}.
 */
interface Clock {
    /** Monotonic nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /**
     * Runs {@code task} once after {@code delayNanos}.
     *
     * @throws RejectedExecutionException if the client is closed
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that may be cancelled (cancelling a task that ran or was cancelled does nothing). */
    interface Cancellable {
        void cancel();
    }

    /** The real clock over the client's timer thread. */
    static Clock system(ScheduledExecutorService timer) {
        return new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }
        };
    }
}
