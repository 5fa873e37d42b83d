package io.limiter.client.internal;

import io.limiter.client.Permit;
import java.util.concurrent.CompletableFuture;

/**
 * A task's future in a {@link LimitedExecutorImpl}: cancelling it stops the wait for a permit, or interrupts the task
 * if it runs. Thread-safe.
 */
final class TaskFuture<T> extends CompletableFuture<T> {
    private CompletableFuture<Permit> acquire;
    private Thread runner;

    synchronized void acquiring(CompletableFuture<Permit> f) {
        this.acquire = f;
    }

    synchronized boolean startRunning() {
        if (isDone()) {
            return false;
        }
        runner = Thread.currentThread();
        return true;
    }

    synchronized void stopRunning() {
        runner = null;
        Thread.interrupted(); // an interrupt aimed at this task must not leak into the pooled thread
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            synchronized (this) {
                if (acquire != null) {
                    acquire.cancel(false);
                }
                if (runner != null) {
                    runner.interrupt();
                }
            }
        }
        return cancelled;
    }
}
