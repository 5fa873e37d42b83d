package io.limiter.client.internal;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimitedExecutor;
import io.limiter.client.Permit;
import io.limiter.core.LimiterInterruptedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Each task: reserve a queue slot, acquire a permit asynchronously, run on the runner, release in finally. */
public final class LimitedExecutorImpl implements LimitedExecutor {
    private static final Logger log = LoggerFactory.getLogger(LimitedExecutorImpl.class);

    private final DistributedLimiter limiter;
    private final Executor runner;
    private final ExecutorService ownedRunner;
    private final int weight;
    private final Duration acquireTimeout;
    private final int queueCapacity;
    private final WhenFull whenFull;
    private final Consumer<? super Throwable> onExecuteFailure;
    private final Semaphore slots;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final Set<TaskFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private volatile boolean closed;

    public LimitedExecutorImpl(DistributedLimiter limiter, Executor runner, int weight, Duration acquireTimeout,
            int queueCapacity, WhenFull whenFull, Consumer<? super Throwable> onExecuteFailure) {
        this.limiter = limiter;
        this.onExecuteFailure = onExecuteFailure != null ? onExecuteFailure
                : e -> log.warn("task on limit '{}' failed", limiter.name(), e);
        if (runner == null) {
            AtomicInteger n = new AtomicInteger();
            this.ownedRunner = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "limited-" + limiter.name() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.runner = ownedRunner;
        } else {
            this.ownedRunner = null;
            this.runner = runner;
        }
        this.weight = weight;
        this.acquireTimeout = acquireTimeout;
        this.queueCapacity = queueCapacity;
        this.whenFull = whenFull;
        this.slots = new Semaphore(queueCapacity, true);
    }

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return submit(limiter, task, whenFull);
    }

    @Override
    public <T> CompletableFuture<T> submit(String key, Callable<T> task) {
        return submit(limiter.forKey(key), task, whenFull);
    }

    @Override
    public CompletableFuture<Void> submit(String key, Runnable task) {
        return submit(key, callable(task));
    }

    private static Callable<Void> callable(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            task.run();
            return null;
        };
    }

    private <T> CompletableFuture<T> submit(Callable<T> task, WhenFull full) {
        return submit(limiter, task, full);
    }

    private <T> CompletableFuture<T> submit(DistributedLimiter target, Callable<T> task, WhenFull full) {
        Objects.requireNonNull(task, "task");
        rejectIfClosed();
        if (full == WhenFull.REJECT) {
            if (!slots.tryAcquire()) {
                throw new RejectedExecutionException("the queue of the limited executor for limit '" + limiter.name()
                        + "' is full (" + queueCapacity + " tasks waiting for a permit)");
            }
        } else {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LimiterInterruptedException("interrupted while waiting for room in the queue of limit '"
                        + limiter.name() + "'", e);
            }
        }
        if (closed) {
            slots.release();
            rejectIfClosed();
        }
        TaskFuture<T> f = new TaskFuture<>();
        queued.incrementAndGet();
        waiting.add(f);
        CompletableFuture<Permit> acquire;
        try {
            acquire = target.acquireAsync(weight, acquireTimeout);
        } catch (RuntimeException e) {
            leaveQueue(f);
            throw e;
        }
        f.acquiring(acquire);
        acquire.whenComplete((permit, e) -> {
            // Counted active before it leaves the queue, so the executor never looks idle in between.
            active.incrementAndGet();
            leaveQueue(f);
            if (e != null) {
                active.decrementAndGet();
                f.completeExceptionally(Futures.unwrap(e));
                signalIfIdle();
                return;
            }
            if (f.isDone()) {
                active.decrementAndGet();
                permit.close();
                signalIfIdle();
                return;
            }
            try {
                runner.execute(() -> run(f, task, permit));
            } catch (RejectedExecutionException r) {
                active.decrementAndGet();
                permit.close();
                f.completeExceptionally(r);
                signalIfIdle();
            }
        });
        return f;
    }

    private <T> void run(TaskFuture<T> f, Callable<T> task, Permit permit) {
        try {
            if (f.startRunning()) {
                try {
                    f.complete(task.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                } finally {
                    f.stopRunning();
                }
            }
        } finally {
            permit.close();
            active.decrementAndGet();
            signalIfIdle();
        }
    }

    private void leaveQueue(TaskFuture<?> f) {
        if (waiting.remove(f)) {
            queued.decrementAndGet();
            slots.release();
        }
    }

    @Override
    public CompletableFuture<Void> submit(Runnable task) {
        return submit(callable(task));
    }

    @Override
    public void execute(Runnable task) {
        submit(task).whenComplete((v, e) -> {
            Throwable failure = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (failure != null && !(failure instanceof CancellationException)) {
                onExecuteFailure.accept(failure);
            }
        });
    }

    @Override
    public <T, R> List<R> map(Collection<? extends T> items, Task<? super T, ? extends R> fn, OnFailure onFailure) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(onFailure, "onFailure");
        return new MapRun<T, R>(limiter.name(), items.size(), task -> submit(task, WhenFull.BLOCK))
                .run(items, fn, onFailure);
    }

    @Override
    public boolean awaitIdle(Duration timeout) {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!isIdle()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LimiterInterruptedException("interrupted while waiting for limit '" + limiter.name()
                    + "' to be idle", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int activeCount() {
        return active.get();
    }

    @Override
    public int queuedCount() {
        return queued.get();
    }

    @Override
    public boolean isIdle() {
        return queued.get() == 0 && active.get() == 0;
    }

    @Override
    public void close() {
        closed = true;
        while (!awaitIdle(Duration.ofSeconds(30))) {
            log.info("limited executor of limit '{}' draining: {} queued, {} running", limiter.name(), queuedCount(),
                    activeCount());
        }
        if (ownedRunner != null) {
            ownedRunner.shutdown();
        }
    }

    @Override
    public int shutdownNow() {
        closed = true;
        int cancelled = 0;
        for (TaskFuture<?> f : new ArrayList<>(waiting)) {
            if (f.cancel(false)) {
                cancelled++;
            }
        }
        if (ownedRunner != null) {
            ownedRunner.shutdown();
        }
        return cancelled;
    }

    private void rejectIfClosed() {
        if (closed) {
            throw new RejectedExecutionException("the limited executor for limit '" + limiter.name() + "' is closed");
        }
    }

    private void signalIfIdle() {
        if (isIdle()) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "LimitedExecutor{" + limiter.name() + ", active=" + active.get() + ", queued=" + queued.get() + "}";
    }
}
