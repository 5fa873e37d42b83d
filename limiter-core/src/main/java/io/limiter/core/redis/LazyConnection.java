package io.limiter.core.redis;

import io.lettuce.core.api.StatefulConnection;
import io.limiter.core.LimiterClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A Lettuce connection opened on first use; a failed open is retried on the next use. Thread-safe. */
final class LazyConnection<C extends StatefulConnection<?, ?>> {
    private final Supplier<CompletableFuture<C>> opener;
    private CompletableFuture<C> current;
    private boolean closed;

    LazyConnection(Supplier<CompletableFuture<C>> opener) {
        this.opener = opener;
    }

    synchronized CompletableFuture<C> get() {
        if (closed) {
            return CompletableFuture.failedFuture(new LimiterClosedException(LimiterClosedException.BACKEND_CLOSED));
        }
        if (current == null || current.isCompletedExceptionally()) {
            current = opener.get();
        }
        return current;
    }

    /** The connection if it is open already, else null; never opens one. */
    synchronized C ifOpen() {
        return current != null && current.isDone() && !current.isCompletedExceptionally() ? current.join() : null;
    }

    /** No more connecting; closes the connection if asked. Completes once it is closed. */
    synchronized CompletableFuture<Void> close(boolean closeConnection) {
        closed = true;
        if (closeConnection && current != null) {
            return current.thenCompose(StatefulConnection::closeAsync).exceptionally(e -> null);
        }
        return CompletableFuture.completedFuture(null);
    }
}
