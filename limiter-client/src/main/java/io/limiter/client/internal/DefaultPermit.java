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
    private final String epoch;
    private static final long HAND_OVER_MARGIN_NANOS = 1_000_000_000L;

    DefaultPermit(String id, DefaultLimiter limiter, int weight, long leaseExpiresAtMs, long localDeadlineNanos,
            String epoch) {
        this.id = id;
        this.limiter = limiter;
        this.weight = weight;
        this.leased = leaseExpiresAtMs > 0;
        this.leaseExpiresAtMs = leaseExpiresAtMs;
        this.localDeadlineNanos = localDeadlineNanos;
        this.epoch = epoch == null ? "" : epoch;
    }

    /** The limit's epoch when this permit was granted. */
    String epoch() {
        return epoch;
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
        return !leased || System.nanoTime() - localDeadlineNanos < 0;
    }

    /** Whether the lease may still be running in Redis (by local time; false once it surely ran out). */
    boolean leaseMayBeRunning() {
        return leased && System.nanoTime() - localDeadlineNanos < 0;
    }

    boolean leased() {
        return leased;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** A renewal succeeded: the lease now runs to {@code expiresAtMs} (Redis) / {@code deadlineNanos} (local). */
    void renewed(long expiresAtMs, long deadlineNanos) {
        this.leaseExpiresAtMs = expiresAtMs;
        this.localDeadlineNanos = deadlineNanos;
    }

    /**
     * The same held permit (id, lease) for its next holder in this process; this object is then closed without a
     * release. Null if this one was already closed or lost.
     */
    DefaultPermit handOver() {
        // Never pass on a lease that may have run out (a long pause, failing renewals): it goes back to Redis.
        if (lost || System.nanoTime() - localDeadlineNanos > -HAND_OVER_MARGIN_NANOS
                || !closed.compareAndSet(false, true)) {
            return null;
        }
        return new DefaultPermit(id, limiter, weight, leaseExpiresAtMs, localDeadlineNanos, epoch);
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
        if (closed.get()) {
            return CompletableFuture.completedFuture(null);
        }
        if (leased && limiter.handOverLocally(this)) {
            return CompletableFuture.completedFuture(null); // now held by the next local waiter
        }
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
