package io.limiter.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One cluster-wide limit, as seen from this process: take permits (and/or tokens) before running work, and
 * close them after. Obtained from {@link LimiterClient#limiter(String)}; thread-safe; cheap to keep.
 *
 * <p>Waiting is driven by Redis: a waiter is woken by a release notification (pub/sub) or by the retry-after
 * hint the acquire script returns (the earliest lease expiry or the next token refill), whichever comes first;
 * there is no fixed-interval polling. Within this process, waiters are served first come, first served, and one
 * release wakes one waiter. {@code tryAcquire} never waits and may overtake waiters.
 *
 * <p>Errors: {@link io.limiter.core.UnknownLimitException} if the limit is not defined,
 * {@link io.limiter.core.LimiterValidationException} for a weight below 1 or above what the policy allows, for
 * a keyed limit acquired without a key (field {@code key}), or a key of a limit that is not keyed,
 * {@link io.limiter.core.LimiterUnavailableException} if Redis cannot be reached within the client's timeouts,
 * {@link io.limiter.core.LimiterClosedException} once the client is closed (also for an acquire still waiting when
 * {@code close()} ran).
 */
public interface DistributedLimiter {

    /** The limit's name (for a key of a keyed limit, the keyed limit's name). */
    String name();

    /** The key, for a key of a keyed limit ({@link #forKey}); else empty. */
    Optional<String> key();

    /**
     * One key of this keyed limit (a tenant, a user, an API key): a limit of its own under the keyed limit's policy,
     * whose state appears in Redis on first use and vanishes when idle. Cheap: no round trip, and the same key gives
     * the same object while it is in use. A key is any text of 1 to 256 bytes of UTF-8 without control characters.
     *
     * @throws io.limiter.core.LimiterValidationException (field {@code key}) for an invalid key, or if this is
     *         already a key
     */
    DistributedLimiter forKey(String key);

    /**
     * How many permits of this limit this process holds now (the "is anything running" check). Counts permits, not
     * weight: two permits of weight 2 count 2, while they use 4 of the limit's {@code permits} (the cluster-wide sum
     * of weights is the admin API's {@code permitsInUse}).
     */
    int heldCount();

    /** Acquires of this limit waiting in this process now. */
    int waitingCount();

    /**
     * Takes one permit, waiting at most {@code timeout}.
     *
     * @throws io.limiter.core.LimiterTimeoutException if none came in time (the caller holds nothing)
     * @throws io.limiter.core.LimiterInterruptedException if interrupted (the interrupt flag is set again)
     */
    default Permit acquire(Duration timeout) {
        return acquire(1, timeout);
    }

    /**
     * Takes a permit of {@code weight} (and {@code weight} tokens when the policy has a rate part), waiting at
     * most {@code timeout}.
     *
     * @throws io.limiter.core.LimiterTimeoutException if none came in time (the caller holds nothing)
     * @throws io.limiter.core.LimiterInterruptedException if interrupted (the interrupt flag is set again)
     */
    Permit acquire(int weight, Duration timeout);

    /** Takes one permit if one is free right now; never waits (one round trip to Redis). */
    default Optional<Permit> tryAcquire() {
        return tryAcquire(1);
    }

    /** Takes a permit of {@code weight} if it is free right now; never waits (one round trip to Redis). */
    Optional<Permit> tryAcquire(int weight);

    /** Asynchronous {@link #acquire(Duration)}. */
    default CompletableFuture<Permit> acquireAsync(Duration timeout) {
        return acquireAsync(1, timeout);
    }

    /**
     * Asynchronous {@link #acquire(int, Duration)}: the future completes with the permit, or exceptionally with
     * {@link io.limiter.core.LimiterTimeoutException} after {@code timeout}. Cancelling the future gives up the
     * wait; a permit granted after that is released at once. Completions run on the client's callback executor,
     * never on a Redis I/O thread.
     */
    CompletableFuture<Permit> acquireAsync(int weight, Duration timeout);
}
