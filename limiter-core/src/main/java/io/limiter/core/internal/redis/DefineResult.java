package io.limiter.core.internal.redis;

import io.limiter.core.LimitPolicy;

/**
 * What a create-if-absent define answered.
 *
 * @param created true if this call stored the policy, false if one was already there
 * @param stored the policy now in Redis (the caller's, or the one that was already there)
 */
public record DefineResult(boolean created, LimitPolicy stored) {
}
