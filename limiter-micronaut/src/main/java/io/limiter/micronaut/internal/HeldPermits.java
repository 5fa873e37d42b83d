package io.limiter.micronaut.internal;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.Permit;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.internal.Exceptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permits one call or request holds, taken in a fixed order (the caller sorts), all or none. Closing releases
 * every permit once; a permit added after closing (an acquire that finished after the caller gave up) is released
 * at once, so nothing leaks on any path. Thread-safe.
 */
final class HeldPermits implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeldPermits.class);

    /**
     * One permit to take.
     *
     * @param limiter where from
     * @param weight how many
     * @param timeout how long to wait; zero tries once
     * @param shadow a denial is recorded instead of failing the set (shadow mode: never deny)
     */
    record Acquire(DistributedLimiter limiter, int weight, Duration timeout, boolean shadow) {
    }

    private final List<Permit> permits = new ArrayList<>();
    private final List<String> shadowDenied = new ArrayList<>();
    private Future<?> inFlight;
    private boolean closed;

    /** Takes every permit in order, blocking; on any failure releases those taken and rethrows. */
    static HeldPermits acquire(List<Acquire> items) {
        HeldPermits held = new HeldPermits();
        try {
            for (Acquire a : items) {
                try {
                    held.add(a.limiter().acquire(a.weight(), a.shadow() ? Duration.ZERO : a.timeout()));
                } catch (LimiterException e) {
                    if (!a.shadow()) {
                        throw e;
                    }
                    held.shadowFailed(a, e);
                }
            }
            return held;
        } catch (RuntimeException | Error e) {
            held.close();
            throw e;
        }
    }

    /**
     * Takes every permit in order without blocking. The future fails with the first failure (the client's
     * {@link LimiterTimeoutException} for a denial) after releasing what was taken; cancelling it gives up and
     * releases everything, including a permit granted later.
     */
    static CompletableFuture<HeldPermits> acquireAsync(List<Acquire> items) {
        HeldPermits held = new HeldPermits();
        CompletableFuture<HeldPermits> result = new CompletableFuture<>();
        result.whenComplete((h, e) -> {
            if (e != null) {
                held.close();
            }
        });
        held.step(items, 0, result);
        return result;
    }

    private void step(List<Acquire> items, int i, CompletableFuture<HeldPermits> result) {
        if (result.isDone()) {
            close();
            return;
        }
        if (i == items.size()) {
            if (!result.complete(this)) {
                close();
            }
            return;
        }
        Acquire a = items.get(i);
        CompletableFuture<Permit> f = a.limiter().acquireAsync(a.weight(), a.shadow() ? Duration.ZERO : a.timeout());
        synchronized (this) {
            inFlight = f;
        }
        f.whenComplete((p, e) -> {
            if (e == null) {
                add(p);
                step(items, i + 1, result);
                return;
            }
            Throwable cause = Exceptions.unwrap(e);
            if (a.shadow() && cause instanceof LimiterException) {
                shadowFailed(a, cause);
                step(items, i + 1, result);
            } else {
                close();
                result.completeExceptionally(cause);
            }
        });
    }

    private void add(Permit p) {
        synchronized (this) {
            if (!closed) {
                permits.add(p);
                return;
            }
        }
        p.close();
    }

    /** Shadow mode never denies: a denial is recorded, any other failure (Redis down, no such limit) logged. */
    private void shadowFailed(Acquire a, Throwable e) {
        if (e instanceof LimiterTimeoutException) {
            synchronized (this) {
                shadowDenied.add(a.limiter().name());
            }
        } else {
            log.warn("shadow limit '{}' could not be used ({}); the call runs anyway", a.limiter().name(),
                    e.getMessage());
        }
    }

    /** Limits a shadow-mode acquire found no capacity in (the call ran anyway). */
    synchronized List<String> shadowDenied() {
        return List.copyOf(shadowDenied);
    }

    /** Releases every permit (idempotent; never blocks on Redis). */
    @Override
    public void close() {
        List<Permit> release;
        Future<?> pending;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            release = new ArrayList<>(permits);
            permits.clear();
            pending = inFlight;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        for (Permit p : release) {
            p.close();
        }
    }

    /**
     * {@link #acquireAsync} as a {@link reactor.core.publisher.Mono}: cancelling it gives up the acquire, and a set
     * that completes after the cancel (a race) is released, never dropped.
     */
    static reactor.core.publisher.Mono<HeldPermits> acquireMono(List<Acquire> items) {
        return reactor.core.publisher.Mono.create(sink -> {
            java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<HeldPermits> f = acquireAsync(items);
            sink.onCancel(() -> {
                if (state.compareAndSet(0, 2)) {
                    f.cancel(false);
                }
            });
            f.whenComplete((held, e) -> {
                if (held != null) {
                    if (state.compareAndSet(0, 1)) {
                        sink.success(held);
                    } else {
                        held.close();
                    }
                } else if (state.compareAndSet(0, 1)) {
                    sink.error(Exceptions.unwrap(e));
                }
            });
        });
    }

    /** {@link #close()} as an empty publisher, for {@code Flux.usingWhen}. */
    reactor.core.publisher.Mono<Void> releaseMono() {
        return reactor.core.publisher.Mono.fromRunnable(this::close);
    }
}
