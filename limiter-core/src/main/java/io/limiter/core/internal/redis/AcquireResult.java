package io.limiter.core.internal.redis;

import io.limiter.core.LimitPolicy;
import java.util.Objects;
import java.util.Optional;
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
        Duration lease, long permitsLeft, double tokensLeft, PolicyRead policy) {

    /**
     * The limit's policy as a call read it (decoded once per change of the stored policy, so cheap to carry on every
     * answer).
     *
     * @param policy the policy, empty if the limit is not defined (or its stored policy cannot be read)
     * @param epoch identity of the limit's creation; it changes when the limit is created anew (e.g. Redis lost
     *        its data and the policy was defined again)
     */
    public record PolicyRead(Optional<LimitPolicy> policy, String epoch) {
        public PolicyRead {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(epoch, "epoch");
        }

        /** Whether waiters are served in arrival order across instances. */
        public boolean fair() {
            return policy.map(LimitPolicy::fair).orElse(false);
        }

        /** Whether the policy is a token bucket and nothing else (its requests can be decided as counted groups). */
        public boolean rateOnly() {
            return policy.map(p -> p.hasRate() && !p.hasConcurrency() && !p.hasQuota() && !p.fair()).orElse(false);
        }
    }

    /** True when a grant left room for another acquire right away. */
    public boolean roomLeft() {
        return granted && retryAfter.isZero();
    }
}
