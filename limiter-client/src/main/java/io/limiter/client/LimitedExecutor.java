package io.limiter.client;

import io.limiter.client.internal.LimitedExecutorImpl;
import io.limiter.core.LimiterValidationException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A task pool whose concurrency is capped cluster-wide: every task takes a permit of one {@link DistributedLimiter}
 * before it runs and releases it on every completion path (success, exception, cancellation, interrupt). A task
 * cancelled or timed out while it waits for its permit never runs and holds nothing.
 *
 * <pre>{@code
 * try (LimitedExecutor pool = LimitedExecutor.builder(client.limiter("payments")).build()) {
 *     CompletableFuture<Receipt> r = pool.submit(() -> pay(order));      // the error channel is the future
 *     List<Receipt> all = pool.map(orders, o -> pay(o));                 // results in order
 *     pool.forEach(orders, o -> pay(o), OnFailure.CANCEL_REST);          // errgroup style
 *     pool.awaitIdle(Duration.ofMinutes(1));                             // Wait()
 * }                                                                      // close() drains
 * }</pre>
 *
 * Thread-safe. Tasks wait for permits in a bounded local queue ({@link Builder#queueCapacity}); when it is full a
 * submitter blocks or is rejected ({@link WhenFull}). Cancelling a task's future while it runs interrupts it.
 */
public interface LimitedExecutor extends Executor, AutoCloseable {

    /** What a submit does when the local queue is full. */
    enum WhenFull {
        /** The submitting thread waits for room (interruptibly). */
        BLOCK,
        /** The submit throws {@link java.util.concurrent.RejectedExecutionException} at once. */
        REJECT
    }

    /** What {@link #map} and {@link #forEach} do when a task fails. */
    enum OnFailure {
        /** Run every item; then throw the first failure (the others suppressed). */
        CONTINUE,
        /** Errgroup style: cancel every task not finished yet (interrupting running ones), then throw. */
        CANCEL_REST
    }

    /** A function over one item that may throw. */
    @FunctionalInterface
    interface Task<T, R> {
        R apply(T item) throws Exception;
    }

    /** A consumer of one item that may throw. */
    @FunctionalInterface
    interface ItemTask<T> {
        void accept(T item) throws Exception;
    }

    /** A builder over {@code limiter}. */
    static Builder builder(DistributedLimiter limiter) {
        return new Builder(limiter);
    }

    /**
     * Queues {@code task}; it runs once it holds a permit. The future completes with its result or its exception
     * (or {@link io.limiter.core.LimiterTimeoutException} if no permit came within the acquire timeout).
     *
     * @throws java.util.concurrent.RejectedExecutionException if closed, or the queue is full under
     *         {@link WhenFull#REJECT}
     */
    <T> CompletableFuture<T> submit(Callable<T> task);

    /** {@link #submit(Callable)} for a task without a result. */
    CompletableFuture<Void> submit(Runnable task);

    /**
     * For an executor of a keyed limit: queues {@code task} under {@code key}'s cap (a permit of
     * {@code limiter.forKey(key)}); the queue, its capacity and the executor's counts are shared by all keys.
     *
     * @throws io.limiter.core.LimiterValidationException for an invalid key
     * @throws java.util.concurrent.RejectedExecutionException as {@link #submit(Callable)}
     */
    <T> CompletableFuture<T> submit(String key, Callable<T> task);

    /** {@link #submit(String, Callable)} for a task without a result. */
    CompletableFuture<Void> submit(String key, Runnable task);

    /**
     * {@link Executor} view of {@link #submit(Runnable)}. A failure (the task's exception, or its acquire's:
     * timeout, Redis unavailable) goes to {@link Builder#onExecuteFailure}; by default it is logged as a WARN.
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs {@code fn} over every item under the cap and returns the results in the items' order. Blocks until all
     * are done (or cancelled).
     *
     * @throws TaskFailedException if a task failed (after the rest ran or were cancelled, per {@code onFailure})
     * @throws io.limiter.core.LimiterInterruptedException if interrupted (the remaining tasks are cancelled)
     */
    <T, R> List<R> map(Collection<? extends T> items, Task<? super T, ? extends R> fn, OnFailure onFailure);

    /** {@link #map(Collection, Task, OnFailure)} with {@link OnFailure#CONTINUE}. */
    default <T, R> List<R> map(Collection<? extends T> items, Task<? super T, ? extends R> fn) {
        return map(items, fn, OnFailure.CONTINUE);
    }

    /** {@link #map(Collection, Task, OnFailure)} over a stream (consumed at once). */
    default <T, R> List<R> map(Stream<? extends T> items, Task<? super T, ? extends R> fn, OnFailure onFailure) {
        return map(items.collect(Collectors.toList()), fn, onFailure);
    }

    /** Like {@link #map} without results. */
    default <T> void forEach(Collection<? extends T> items, ItemTask<? super T> fn, OnFailure onFailure) {
        map(items, item -> {
            fn.accept(item);
            return null;
        }, onFailure);
    }

    /** {@link #forEach(Collection, ItemTask, OnFailure)} with {@link OnFailure#CONTINUE}. */
    default <T> void forEach(Collection<? extends T> items, ItemTask<? super T> fn) {
        forEach(items, fn, OnFailure.CONTINUE);
    }

    /**
     * Waits until no task is queued or running (the Go {@code Wait()}).
     *
     * @return true if idle, false if {@code timeout} passed first
     * @throws io.limiter.core.LimiterInterruptedException if interrupted
     */
    boolean awaitIdle(Duration timeout);

    /** Tasks running now (holding a permit). */
    int activeCount();

    /** Tasks waiting for a permit. */
    int queuedCount();

    /** True when nothing is queued or running. */
    boolean isIdle();

    /**
     * Stops accepting tasks and waits until every queued and running task finished (graceful drain). Idempotent.
     */
    @Override
    void close();

    /**
     * Stops accepting tasks and cancels every task still waiting for a permit (they never run). Running tasks go
     * on. Returns how many were cancelled.
     */
    int shutdownNow();

    /** Settings of a {@link LimitedExecutor}; {@link #build()} copies them. */
    final class Builder {
        private final DistributedLimiter limiter;
        private Executor runner;
        private int weight = 1;
        private Duration acquireTimeout;
        private int queueCapacity = 10_000;
        private WhenFull whenFull = WhenFull.BLOCK;
        private Consumer<? super Throwable> onExecuteFailure;

        Builder(DistributedLimiter limiter) {
            this.limiter = Objects.requireNonNull(limiter, "limiter");
        }

        /** Where tasks run once they hold a permit; default a pool of daemon threads owned by the executor. */
        public Builder runOn(Executor runner) {
            this.runner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /** Permits (and tokens) each task takes; default 1. */
        public Builder weight(int weight) {
            if (weight < 1) {
                throw new LimiterValidationException("weight", weight, "be at least 1");
            }
            this.weight = weight;
            return this;
        }

        /** How long a task may wait for its permit before failing; default: as long as it takes. */
        public Builder acquireTimeout(Duration acquireTimeout) {
            Objects.requireNonNull(acquireTimeout, "acquireTimeout");
            if (acquireTimeout.isNegative()) {
                throw new LimiterValidationException("acquireTimeout", acquireTimeout, "be zero or positive");
            }
            this.acquireTimeout = acquireTimeout;
            return this;
        }

        /** Most tasks waiting for a permit at once; default 10000. */
        public Builder queueCapacity(int queueCapacity) {
            if (queueCapacity < 1) {
                throw new LimiterValidationException("queueCapacity", queueCapacity, "be at least 1");
            }
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** What a submit does when the queue is full; default {@link WhenFull#BLOCK}. */
        public Builder whenFull(WhenFull whenFull) {
            this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
            return this;
        }

        /**
         * Called with the failure of each task given to {@link #execute(Runnable)} (the task's exception, or its
         * acquire's: {@code LimiterTimeoutException}, {@code LimiterUnavailableException}), on the thread that saw
         * it; never for a cancelled task, nor for {@code submit}/{@code map}/{@code forEach}, whose callers get
         * their failures. Default: a WARN log line with the stack trace. The handler should not block or throw.
         */
        public Builder onExecuteFailure(Consumer<? super Throwable> handler) {
            this.onExecuteFailure = Objects.requireNonNull(handler, "handler");
            return this;
        }

        public LimitedExecutor build() {
            return new LimitedExecutorImpl(limiter, runner, weight,
                    acquireTimeout != null ? acquireTimeout : Duration.ofNanos(Long.MAX_VALUE), queueCapacity,
                    whenFull, onExecuteFailure);
        }
    }
}
