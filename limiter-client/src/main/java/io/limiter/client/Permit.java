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
     * Releases the permit and stops renewing it; idempotent. Blocks for at most the client's command timeout.
     * Never throws for Redis failures: a permit that could not be released is logged and reclaimed by Redis when
     * its lease runs out.
     */
    @Override
    void close();

    /** Like {@link #close()} without blocking; the future completes when Redis answered (never exceptionally). */
    CompletableFuture<Void> releaseAsync();
}
