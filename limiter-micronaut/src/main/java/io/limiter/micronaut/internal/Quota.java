package io.limiter.micronaut.internal;

import io.limiter.core.LimitPolicy;

/**
 * What a limit has left, from one state read: the numbers behind the rate-limit fields and {@code Retry-After}.
 * Seconds are rounded up, so a client that waits them finds the capacity back.
 *
 * @param limit the limit's name
 * @param policy its policy
 * @param permitsInUse permits held cluster-wide
 * @param tokens tokens in the bucket ({@code NaN} without a rate part)
 */
record Quota(String limit, LimitPolicy policy, long permitsInUse, double tokens) {

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
