package io.limiter.core.internal.redis;

import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import java.util.List;

/**
 * What an {@link LimitStore#exchange} answered: per release whether the id was held, per acquire its result or the
 * exception for that request ({@link UnknownLimitException}, or {@link LimiterValidationException} for a weight
 * the policy can never grant).
 */
public record ExchangeResult(List<Boolean> released, List<Object> acquired, AcquireResult.PolicyRead policy) {
    /** The result of acquire {@code i}, or its exception thrown. */
    public AcquireResult acquired(int i) {
        Object r = acquired.get(i);
        if (r instanceof RuntimeException) {
            throw (RuntimeException) r;
        }
        return (AcquireResult) r;
    }
}
