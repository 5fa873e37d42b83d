package io.limiter.core.internal.redis;

import io.limiter.core.LimitPolicy;
import java.util.Optional;

/**
 * What {@link LimitStore#replacePolicy} did.
 *
 * @param existed whether the limit had a policy before, even one that could not be read
 * @param previous that policy, empty if there was none or it could not be read (it broke the rules)
 */
public record Replaced(boolean existed, Optional<LimitPolicy> previous) {
}
