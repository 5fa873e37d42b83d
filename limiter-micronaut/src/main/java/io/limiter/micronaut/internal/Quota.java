package io.limiter.micronaut.internal;

import io.limiter.core.CalendarWindow;
import io.limiter.core.redis.LimitState;
import java.time.Duration;

import io.limiter.core.LimitPolicy;

/**
 * What a limit has left, from one state read: the numbers behind the rate-limit fields and {@code Retry-After}.
 * Seconds are rounded up, so a client that waits them finds the capacity back.
 *
 * @param limit the limit's name
 * @param policy its policy
 * @param permitsInUse permits held cluster-wide
 * @param tokens tokens in the bucket ({@code NaN} without a rate part)
 * @param quotaRemaining units of the calendar quota left in its window (0 without a quota)
 * @param quotaWindowSeconds the length of the quota's current window in seconds (0 without a quota)
 * @param quotaResetSeconds seconds until that window ends, rounded up (0 without a quota)
 */
record Quota(String limit, LimitPolicy policy, long permitsInUse, double tokens, long quotaRemaining,
        long quotaWindowSeconds, long quotaResetSeconds) {

    /** A quota of a policy without a calendar quota. */
    Quota(String limit, LimitPolicy policy, long permitsInUse, double tokens) {
        this(limit, policy, permitsInUse, tokens, 0, 0, 0);
    }

    /** What {@code state} has left, named {@code limit} (for a key, the keyed limit's name). */
    static Quota of(String limit, LimitState state) {
        LimitPolicy p = state.policy();
        if (!p.hasQuota()) {
            return new Quota(limit, p, state.permitsInUse(), state.tokens());
        }
        CalendarWindow.Span span = p.window().spanAt(state.readAt(), p.zone());
        return new Quota(limit, p, state.permitsInUse(), state.tokens(), state.quotaRemaining(),
                Duration.between(span.start(), span.end()).toSeconds(),
                (Duration.between(state.readAt(), state.quotaResetAt()).toMillis() + 999) / 1000);
    }

    /** Whether {@code weight} more quota units are left (true without a quota). */
    boolean hasQuota(int weight) {
        return !policy.hasQuota() || quotaRemaining >= weight;
    }

    long permitsLeft() {
        return Math.max(0, policy.permits() - permitsInUse);
    }

    long tokensLeft() {
        return Double.isNaN(tokens) ? 0 : Math.max(0, (long) Math.floor(tokens));
    }

    /** Seconds a full bucket takes to refill from empty: the window of the rate policy (at least 1). */
    long windowSeconds() {
        return Math.max(1, ceilSeconds(policy.burst()));
    }

    /** Seconds until the bucket is full again (0 when full). */
    long secondsUntilFull() {
        return ceilSeconds(policy.burst() - tokens);
    }

    /** Seconds until {@code weight} tokens are in the bucket (0 if they are now). */
    long secondsUntilTokens(int weight) {
        return ceilSeconds(weight - tokens);
    }

    /** Whether {@code weight} more tokens would be there now (true without a rate part). */
    boolean hasTokens(int weight) {
        return !policy.hasRate() || tokens >= weight;
    }

    /** Whether {@code weight} more permits would fit now (true without a concurrency part). */
    boolean hasPermits(int weight) {
        return !policy.hasConcurrency() || permitsLeft() >= weight;
    }

    private long ceilSeconds(double missingTokens) {
        if (!policy.hasRate() || missingTokens <= 0) {
            return 0;
        }
        double ms = missingTokens * policy.period().toMillis() / policy.rate();
        return (long) Math.ceil(ms / 1000.0);
    }
}
