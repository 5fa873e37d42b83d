package io.limiter.client.internal;

import io.limiter.core.internal.redis.ExchangeRequest;
import io.limiter.core.internal.redis.ExchangeResult;
import io.limiter.core.internal.redis.LimitStore;
import java.util.concurrent.CompletableFuture;

/**
 * The one Redis call the dispatcher makes: an atomic exchange (releases, then acquires) decided by the script. A
 * seam, so the dispatcher's ordering, compensation and retry rules have fast tests against a scripted fake; the
 * real one is {@link LimitStore#exchange(ExchangeRequest)}.
 */
@FunctionalInterface
interface ExchangePort {
    CompletableFuture<ExchangeResult> exchange(ExchangeRequest request);
}
