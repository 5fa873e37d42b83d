package io.limiter.client;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A granted acquire: a permit of some weight under a renewable lease (for a limit with a concurrency part)
 * and/or tokens taken from the limit's bucket. While it is open, the client renews its lease in the background.
 * Closing it releases the permit (tokens are never given back). Thread-safe.
 *
 * <pre>{@code
 * try (Permit permit = limiter.acquire(Duration.ofSeconds(5))) {
 *     runTask();
 * }
 * }</pre>
 */
public interface Permit extends AutoCloseable {

    /** Unique id of this permit, as shown by the admin server. */
    String id();

    /** The limit it was taken from. */
    String limit();

    /** How many permits (and tokens) it counts for. */
    int weight();

    /**
     * When Redis reclaims the permit unless it is renewed (Redis time, updated by each renewal); empty for a
     * limit without a concurrency part, where there is nothing to hold.
     */
    Optional<Instant> leaseExpiresAt();

    /**
     * True while the permit is held: not closed, and its lease was neither lost (expired during an outage or a
     * stall, or force-released by an operator) nor ran out locally without a successful renewal. Work that sees
     * {@code false} is no longer counted against the cap.
     */
    boolean isValid();

    /**
     * True for a permit granted locally while Redis was unreachable ({@link RedisDownPolicy#FAIL_OPEN} or
     * {@link RedisDownPolicy#LOCAL_FALLBACK}): it does not count against the cluster-wide cap.
     */
    default boolean isLocal() {
        return false;
    }

    /**
     * Releases the permit and stops renewing it; idempotent; never blocks on Redis. It returns once the release is
     * queued, without waiting for Redis's answer: the release reaches Redis with this client's next call for the
     * limit (one starts at once unless the limit already has its maximum of calls in flight, else the release goes
     * out as soon as one of them answers: normally within one round trip). Any acquire this client makes for the
     * same limit afterwards goes out in that call or a later one, and Redis runs a call's releases before its
     * acquires, so the capacity freed here is never still counted against this process's later acquires. Other
     * processes see it once the release has reached Redis; use {@link #releaseAsync()} to wait for that.
     *
     * <p>On a non-fair limit with only a concurrency part, the permit may instead go straight to a waiter of this
     * process (no Redis call; it stays counted). {@link LimiterClient#close()} waits, bounded by the command
     * timeout, for releases still queued; a process that exits without closing its client may leave a queued release
     * unsent, and Redis then reclaims the permit when its lease runs out.
     *
     * <p>Never throws for Redis failures: a release that fails is logged as a warning and Redis reclaims the permit
     * when its lease runs out.
     */
    @Override
    void close();

    /**
     * Like {@link #close()}, and returns a future that completes when Redis confirmed the release (at once if the
     * permit was already closed, went to a local waiter, or has nothing to release). It never completes
     * exceptionally: a release that fails is logged and the permit is reclaimed by Redis when its lease runs out.
     * Never blocks.
     */
    CompletableFuture<Void> releaseAsync();
}
