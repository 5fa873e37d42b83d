package io.limiter.client;

import java.time.Duration;

/**
 * Callbacks about what the client does, for metrics and logs (see
 * {@link io.limiter.client.metrics.MicrometerLimiterMetrics}). Methods run on client threads (possibly Redis I/O
 * threads): keep them short and non-blocking. Exceptions they throw are logged and ignored.
 */
public interface LimiterListener {

    /** One acquire round trip to Redis answered (granted or not). */
    default void onAttempt(DistributedLimiter limiter, Duration roundTrip, boolean granted) {
    }

    /** An acquire got its permit after {@code waited} (from the call to the grant). */
    default void onAcquired(DistributedLimiter limiter, Permit permit, Duration waited) {
    }

    /** An acquire gave up: no permit within its timeout (including {@code tryAcquire} finding none). */
    default void onTimeout(DistributedLimiter limiter, int weight, Duration waited) {
    }

    /** A held permit's lease was lost (expired during an outage or stall, force-released, limit removed). */
    default void onLeaseLost(Permit permit) {
    }

    /** A permit was granted locally because Redis is unreachable (FAIL_OPEN or LOCAL_FALLBACK). */
    default void onLocalGrant(DistributedLimiter limiter, Permit permit, RedisDownPolicy policy) {
    }

    /** Redis became unreachable. */
    default void onRedisUnavailable(Throwable cause) {
    }

    /** Redis answers again after an outage. */
    default void onRedisAvailable() {
    }
}
