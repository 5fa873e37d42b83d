package io.limiter.core.internal.redis;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.redis.LimitState;
import java.util.List;

/**
 * Every defined limit, sorted by name.
 *
 * @param states the limits that could be read
 * @param unreadable the limits whose data cannot be read, each with why; they do not keep the others from being
 *     listed
 */
public record Listing(List<LimitState> states, List<CorruptLimitException> unreadable) {
}
