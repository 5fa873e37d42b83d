package io.limiter.client.internal;

import io.limiter.client.LimitedExecutor.OnFailure;
import io.limiter.client.LimitedExecutor.Task;
import io.limiter.client.TaskFailedException;
import io.limiter.core.LimiterInterruptedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * {@link io.limiter.client.LimitedExecutor#map}: submits a task per item (the submit may block for room), waits for
 * every one and returns their results in item order; {@link OnFailure#CANCEL_REST} stops at the first failure
 * (errgroup style). Blocking; one run per call.
 */
final class MapRun<T, R> {
    private final String limit;
    private final Function<Callable<R>, CompletableFuture<R>> submit;
    private final List<CompletableFuture<R>> futures;
    private final AtomicBoolean failed = new AtomicBoolean();

    /** @param submit submits one task (blocking for room in the queue) */
    MapRun(String limit, int size, Function<Callable<R>, CompletableFuture<R>> submit) {
        this.limit = limit;
        this.submit = submit;
        this.futures = Collections.synchronizedList(new ArrayList<>(size));
    }

    /**
     * Runs {@code fn} over {@code items}.
     *
     * @throws TaskFailedException naming the first failed item (later failures suppressed)
     * @throws LimiterInterruptedException if interrupted while waiting (every task not finished is cancelled)
     */
    List<R> run(Collection<? extends T> items, Task<? super T, ? extends R> fn, OnFailure onFailure) {
        try {
            for (T item : items) {
                if (failed.get()) {
                    break; // CANCEL_REST: items not submitted yet are not run at all
                }
                CompletableFuture<R> f = submit.apply(() -> {
                    if (failed.get()) {
                        // Got its permit while the rest were being cancelled: do not start it.
                        throw new CancellationException("cancelled after an earlier task failed");
                    }
                    return fn.apply(item);
                });
                futures.add(f);
                if (onFailure == OnFailure.CANCEL_REST) {
                    f.whenComplete((r, e) -> {
                        if (e != null && !(e instanceof CancellationException) && failed.compareAndSet(false, true)) {
                            cancelAll();
                        }
                    });
                    if (failed.get()) {
                        f.cancel(true);
                    }
                }
            }
        } catch (RuntimeException e) {
            cancelAll();
            throw e;
        }
        return results();
    }

    private List<R> results() {
        List<R> results = new ArrayList<>(futures.size());
        TaskFailedException failure = null;
        for (int i = 0; i < futures.size(); i++) {
            try {
                results.add(futures.get(i).get());
            } catch (InterruptedException e) {
                cancelAll();
                Thread.currentThread().interrupt();
                throw new LimiterInterruptedException("interrupted while running tasks on limit '" + limit + "'", e);
            } catch (CancellationException e) {
                results.add(null);
            } catch (ExecutionException e) {
                results.add(null);
                if (failure == null) {
                    failure = new TaskFailedException(i, futures.size(), e.getCause());
                } else {
                    failure.addSuppressed(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private void cancelAll() {
        List<CompletableFuture<R>> copy;
        synchronized (futures) {
            copy = new ArrayList<>(futures);
        }
        copy.forEach(f -> f.cancel(true));
    }
}
