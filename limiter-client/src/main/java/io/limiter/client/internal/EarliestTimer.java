package io.limiter.client.internal;

import java.util.concurrent.RejectedExecutionException;

/**
 * One timer that fires at the earliest time it was asked for: arming it for a later time than it is already armed
 * for changes nothing, an earlier time moves it. Runs its task once per firing, outside its own lock. Thread-safe.
 */
final class EarliestTimer {
    private final Clock clock;
    private final Runnable task;
    private Clock.Cancellable armed;
    private long atNanos;

    EarliestTimer(Clock clock, Runnable task) {
        this.clock = clock;
        this.task = task;
    }

    /** Fires at {@code whenNanos} ({@link Clock#nanoTime()}) unless already armed sooner; nothing once closed. */
    synchronized void arm(long whenNanos) {
        if (armed != null && atNanos - whenNanos <= 0) {
            return;
        }
        if (armed != null) {
            armed.cancel();
        }
        atNanos = whenNanos;
        try {
            Clock.Cancellable[] self = new Clock.Cancellable[1];
            self[0] = clock.schedule(() -> {
                synchronized (this) {
                    if (armed == self[0]) {
                        armed = null;
                    }
                }
                task.run(); // also when moved just as it fired: one extra look is harmless
            }, Math.max(0, whenNanos - clock.nanoTime()));
            armed = self[0];
        } catch (RejectedExecutionException closed) {
            armed = null;
        }
    }

    synchronized boolean isArmed() {
        return armed != null;
    }

    synchronized void cancel() {
        if (armed != null) {
            armed.cancel();
            armed = null;
        }
    }
}
