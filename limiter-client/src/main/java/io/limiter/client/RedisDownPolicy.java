package io.limiter.client;

/**
 * What acquiring does while Redis cannot be reached, chosen per limit
 * ({@link LimiterClientBuilder#redisDownPolicy(String, RedisDownPolicy)}). Work that already holds a permit is never
 * interrupted by an outage; its lease may be lost meanwhile, which {@link Permit#isValid()} and
 * {@link LimiterListener#onLeaseLost} report. The client notices Redis coming back by itself (a probe every
 * 500 ms) and returns to the shared cap.
 */
public enum RedisDownPolicy {
    /**
     * The default: acquiring fails with {@link io.limiter.core.LimiterUnavailableException} within the connect and
     * command timeouts (at once while the outage is known).
     */
    FAIL_CLOSED,
    /** Tasks run without a cap: acquiring returns a {@linkplain Permit#isLocal() local} permit; counted and logged. */
    FAIL_OPEN,
    /**
     * Tasks run under a local cap: the limit's last known permits (and rate) divided by the number of live instances
     * last seen, at least 1. Permits are {@linkplain Permit#isLocal() local}. Fails closed if this client never
     * learnt the limit's policy.
     */
    LOCAL_FALLBACK
}
