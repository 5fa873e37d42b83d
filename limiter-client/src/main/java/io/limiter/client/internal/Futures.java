package io.limiter.client.internal;

import io.limiter.core.LimiterException;
import io.limiter.core.LimiterInterruptedException;
import io.limiter.core.internal.Exceptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/** The blocking edge: waits for a future and translates its failure. */
final class Futures {
    private Futures() {
    }

    /**
     * Waits for {@code future}. On interrupt: cancels it, sets the interrupt flag again and throws
     * {@link LimiterInterruptedException}. A failure is rethrown as the {@link LimiterException} (or other
     * unchecked exception) it carries.
     */
    static <T> T await(CompletableFuture<T> future, String what) {
        return await(future, what, null);
    }

    /**
     * Like {@link #await(CompletableFuture, String)}; if interrupted, a value that arrives anyway (the future could
     * not be cancelled in time) is handed to {@code abandoned}, e.g. to release a permit nobody will use.
     */
    static <T> T await(CompletableFuture<T> future, String what, Consumer<T> abandoned) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            if (!future.cancel(false) && abandoned != null) {
                future.thenAccept(abandoned);
            }
            Thread.currentThread().interrupt();
            throw new LimiterInterruptedException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause(), what);
        }
    }

    /**
     * {@code inner}'s outcome (failures unwrapped), completed on {@code executor}, or on the completing thread once
     * the executor refuses (closed). Cancelling the result cancels {@code inner}; a value that arrives after the
     * result was completed otherwise (cancelled) goes to {@code abandoned}, e.g. to release a permit nobody takes.
     */
    static <T> CompletableFuture<T> completeOn(CompletableFuture<T> inner, Executor executor, Consumer<T> abandoned) {
        CompletableFuture<T> outer = new CompletableFuture<>();
        inner.whenComplete((v, e) -> {
            try {
                executor.execute(() -> deliver(outer, v, e, abandoned));
            } catch (RejectedExecutionException closed) {
                deliver(outer, v, e, abandoned);
            }
        });
        outer.whenComplete((v, e) -> {
            if (outer.isCancelled()) {
                inner.cancel(false);
            }
        });
        return outer;
    }

    private static <T> void deliver(CompletableFuture<T> outer, T v, Throwable e, Consumer<T> abandoned) {
        if (e != null) {
            outer.completeExceptionally(unwrap(e));
        } else if (!outer.complete(v)) {
            abandoned.accept(v);
        }
    }

    static Throwable unwrap(Throwable e) {
        return Exceptions.unwrap(e);
    }

    private static RuntimeException rethrow(Throwable cause, String what) {
        Throwable t = unwrap(cause);
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new LimiterException(what + " failed: " + t, t);
    }
}
