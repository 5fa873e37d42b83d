package io.limiter.core.redis;

import io.limiter.core.LimitPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A limit's live state, read in one script call.
 *
 * @param name the limit
 * @param policy its stored policy
 * @param readAt Redis time of the read
 * @param permitsInUse sum of the weights of live holders (0 without concurrency)
 * @param tokens tokens available now ({@code NaN} without a rate part)
 * @param holders live holders, oldest first (at most the number asked for)
 * @param holderCount how many live holders there are in all
 * @param counters cumulative counters: grants, denials, released, forced, expired, lost_renewals
 * @param queued waiters queued across instances (fair limits; 0 otherwise)
 * @param quotaUsed units of the quota used in the current window (0 without a quota, or when none is used yet)
 * @param quotaResetAt when the current quota window ends ({@code null} without a quota)
 */
public record LimitState(String name, LimitPolicy policy, Instant readAt, long permitsInUse, double tokens,
        List<Holder> holders, int holderCount, Map<String, Long> counters, int queued, long quotaUsed,
        Instant quotaResetAt) {

    /** Quota units left in the current window (0 without a quota). */
    public long quotaRemaining() {
        return policy.hasQuota() ? Math.max(0, policy.quota() - quotaUsed) : 0;
    }
}
