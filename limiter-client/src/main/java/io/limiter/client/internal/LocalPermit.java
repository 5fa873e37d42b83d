package io.limiter.client.internal;

import io.limiter.client.Permit;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A permit granted in this process while Redis is unreachable; it never counts against the shared cap. */
final class LocalPermit implements Permit {
    private final String id;
    private final String limit;
    private final int weight;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    LocalPermit(String id, String limit, int weight, Runnable onClose) {
        this.id = id;
        this.limit = limit;
        this.weight = weight;
        this.onClose = onClose;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String limit() {
        return limit;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public Optional<Instant> leaseExpiresAt() {
        return Optional.empty();
    }

    @Override
    public boolean isValid() {
        return !closed.get();
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
        close();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "Permit{" + id + ", limit=" + limit + ", weight=" + weight + ", local}";
    }
}
