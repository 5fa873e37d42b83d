package io.limiter.core.internal.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One {@link LimitStore#exchange(ExchangeRequest)} call: releases first, then acquires, in one atomic script call.
 *
 * @param limit the limit's name
 * @param owner the instance id recorded on grants and waiting tickets
 * @param ticketTtl how long a fair limit keeps a denied waiting ticket queued without a keep-alive
 * @param releases permit ids to release (idempotent: an id not held changes nothing)
 * @param forced count the releases as an operator's forced releases
 * @param acquires acquire requests, decided in order
 * @param counted send runs of equal weight as counted groups (for a limit the caller believes rate-only and
 *        non-fair; see {@link NotCounted})
 */
public record ExchangeRequest(String limit, String owner, Duration ticketTtl, List<String> releases,
        boolean forced, List<AcquireRequest> acquires, boolean counted) {
    public ExchangeRequest {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ticketTtl, "ticketTtl");
        releases = List.copyOf(releases);
        acquires = List.copyOf(acquires);
    }
}
