package io.limiter.client.internal;

import io.limiter.client.Permit;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A granted permit; its lease is tracked in local time too, so it knows when it ran out without Redis. */
final class DefaultPermit implements Permit {
    private final String id;
    private final DefaultLimiter limiter;
    private final int weight;
    private final boolean leased;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long leaseExpiresAtMs;
    private volatile long localDeadlineNanos;
    private volatile boolean lost;
    /** The limit's epoch this permit belongs to: where it was granted, or re-asserted since. */
    private volatile String epoch;
    private final Clock clock;

    DefaultPermit(String id, DefaultLimiter limiter, int weight, long leaseExpiresAtMs, long localDeadlineNanos,
            String epoch, Clock clock) {
        this.id = id;
        this.limiter = limiter;
        this.weight = weight;
        this.leased = leaseExpiresAtMs > 0;
        this.leaseExpiresAtMs = leaseExpiresAtMs;
        this.localDeadlineNanos = localDeadlineNanos;
        this.epoch = epoch == null ? "" : epoch;
        this.clock = clock;
    }

    /** The limit's epoch this permit belongs to (sent with renewals). */
    String epoch() {
        return epoch;
    }

    /** When the lease surely runs out by local time (ns, {@link Clock#nanoTime()}). */
    long localDeadlineNanos() {
        return localDeadlineNanos;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String limit() {
        return limiter.name();
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public Optional<Instant> leaseExpiresAt() {
        return leased ? Optional.of(Instant.ofEpochMilli(leaseExpiresAtMs)) : Optional.empty();
    }

    @Override
    public boolean isValid() {
        if (closed.get() || lost) {
            return false;
        }
        return !leased || clock.nanoTime() - localDeadlineNanos < 0;
    }

    boolean leased() {
        return leased;
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * A renewal succeeded: the lease now runs to {@code expiresAtMs} (Redis) / {@code deadlineNanos} (local), and
     * the permit belongs to the limit's epoch {@code epoch} (it changes when Redis re-asserted it after lost data).
     */
    void renewed(long expiresAtMs, long deadlineNanos, String epoch) {
        this.leaseExpiresAtMs = expiresAtMs;
        this.localDeadlineNanos = deadlineNanos;
        if (epoch != null && !epoch.isEmpty()) {
            this.epoch = epoch;
        }
    }

    /** Redis no longer holds it. */
    void markLost() {
        lost = true;
    }

    @Override
    public void close() {
        // Queued on the limit's dispatcher, ahead of any later acquire of this process; a failure is logged there.
        releaseAsync();
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
        if (!closed.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        if (!leased) {
            return CompletableFuture.completedFuture(null);
        }
        return limiter.release(this);
    }

    @Override
    public String toString() {
        return "Permit{" + id + ", limit=" + limit() + ", weight=" + weight
                + (leased ? ", leaseExpiresAt=" + Instant.ofEpochMilli(leaseExpiresAtMs) : "")
                + (lost ? ", lost" : "") + (closed.get() ? ", closed" : "") + "}";
    }
}
