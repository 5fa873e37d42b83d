package io.limiter.core.internal.redis;

import java.time.Duration;
import java.util.List;

/**
 * What a batched renewal answered.
 *
 * @param leaseExpiresAtMs the new expiry of every renewed permit (ms since the epoch, Redis time)
 * @param lease the lease of the policy now
 * @param lost ids that were no longer held (expired, released, force-released, or the limit was removed)
 * @param reasserted permits added back because the limit was created anew since they were granted
 * @param epoch the limit's epoch now
 * @param limitMissing true if the limit is not defined at all (then every id is in {@code lost})
 * @param limitDeleted true if an operator deleted the limit (then also {@code limitMissing}): never define it
 *        again by oneself
 */
public record RenewResult(long leaseExpiresAtMs, Duration lease, List<String> lost, int reasserted, String epoch,
        boolean limitMissing, boolean limitDeleted) {
}
