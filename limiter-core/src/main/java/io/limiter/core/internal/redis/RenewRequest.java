package io.limiter.core.internal.redis;

/** One permit to renew: its id, weight, and the limit's epoch when it was granted ('' if unknown). */
public record RenewRequest(String permitId, int weight, String epoch) {
}
