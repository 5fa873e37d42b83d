package io.limiter.client.internal;

import io.limiter.core.LimiterException;
import io.limiter.core.LimiterInterruptedException;
import io.limiter.core.internal.Exceptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

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
    static <T> T await(CompletableFuture<T> future, String what, java.util.function.Consumer<T> abandoned) {
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
