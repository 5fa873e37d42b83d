package io.limiter.core.redis;

import java.time.Duration;
import java.util.List;

/**
 * What a batched renewal answered.
 *
 * @param leaseExpiresAtMs the new expiry of every renewed permit (ms since the epoch, Redis time)
 * @param lease the lease of the policy now
 * @param lost ids that were no longer held (expired, released, force-released, or the limit was removed)
 */
public record RenewResult(long leaseExpiresAtMs, Duration lease, List<String> lost) {
}
