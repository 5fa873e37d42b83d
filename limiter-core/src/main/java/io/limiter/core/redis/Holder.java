package io.limiter.core.redis;

import java.time.Instant;

/**
 * One live permit of a limit, as the admin side sees it.
 *
 * @param permitId the permit's id
 * @param owner the instance that holds it
 * @param weight how many permits it counts for
 * @param acquiredAt when it was granted (Redis time)
 * @param leaseExpiresAt when Redis reclaims it unless renewed
 */
public record Holder(String permitId, String owner, int weight, Instant acquiredAt, Instant leaseExpiresAt) {
}
