package io.limiter.core.redis;

import java.time.Duration;

/**
 * What one acquire script call answered. On a grant: the permit's lease expiry (Redis time; 0 without a
 * concurrency part), what is left, and {@link #retryAfter()} zero when there is room for another acquire. On a
 * denial: why, and when to try again at the latest.
 *
 * @param granted whether the permit and/or tokens were taken
 * @param reason {@code ok}, or on a denial {@code permits}, {@code tokens} or {@code queued} (a fair limit with
 *        others waiting ahead)
 * @param retryAfter denial: when capacity may come back at the latest; grant: zero if room is left
 * @param leaseExpiresAtMs lease expiry in ms since the epoch, Redis time (0 without concurrency)
 * @param lease the lease of the policy (zero without concurrency)
 * @param permitsLeft permits free after this call (-1 without concurrency)
 * @param tokensLeft tokens in the bucket after this call ({@code NaN} without a rate part)
 * @param policy the limit's policy as read by this call
 */
public record AcquireResult(boolean granted, String reason, Duration retryAfter, long leaseExpiresAtMs,
        Duration lease, long permitsLeft, double tokensLeft, PolicyNumbers policy) {

    /**
     * A policy as plain numbers (-1 for an absent part), cheap to carry on every answer.
     *
     * @param permits permits, or -1
     * @param rate tokens per period, or -1
     * @param periodMs the period in ms, or -1
     * @param burst bucket capacity, or -1
     * @param fair whether waiters are served in arrival order across instances
     * @param epoch identity of the limit's creation; it changes when the limit is created anew (e.g. Redis lost
     *        its data and the policy was defined again)
     */
    public record PolicyNumbers(long permits, long rate, long periodMs, long burst, boolean fair, String epoch) {
    }

    /** True when a grant left room for another acquire right away. */
    public boolean roomLeft() {
        return granted && retryAfter.isZero();
    }
}
