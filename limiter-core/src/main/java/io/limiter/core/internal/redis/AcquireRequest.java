package io.limiter.core.internal.redis;

/** One acquire request of an {@link LimitStore#exchange}: a permit id chosen by the caller, a weight, a ticket. */
public record AcquireRequest(String permitId, int weight, String ticket) {
}
