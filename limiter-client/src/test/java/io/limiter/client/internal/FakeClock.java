package io.limiter.client.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** A {@link Clock} whose time only moves when a test says so; due tasks run on the test's thread, in time order. */
final class FakeClock implements Clock {
    private long now = 1_000_000_000L;
    private long seq;
    private boolean closed;
    private final List<Task> tasks = new ArrayList<>();

    private final class Task implements Cancellable {
        final long at;
        final long order = seq++;
        final Runnable run;
        boolean cancelled;

        Task(long at, Runnable run) {
            this.at = at;
            this.run = run;
        }

        @Override
        public void cancel() {
            synchronized (FakeClock.this) {
                cancelled = true;
                tasks.remove(this);
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        Task t = new Task(now + Math.max(0, delayNanos), task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward by {@code millis}, running every task due on the way. */
    void advanceMillis(long millis) {
        long until;
        synchronized (this) {
            until = now + TimeUnit.MILLISECONDS.toNanos(millis);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.at - until <= 0)
                        .min(Comparator.<Task>comparingLong(t -> t.at).thenComparingLong(t -> t.order)).orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                tasks.remove(next);
                now = Math.max(now, next.at);
            }
            next.run.run();
        }
    }

    /** Runs the tasks due now. */
    void runDue() {
        advanceMillis(0);
    }

    synchronized int scheduled() {
        return tasks.size();
    }

    synchronized void close() {
        closed = true;
    }
}
