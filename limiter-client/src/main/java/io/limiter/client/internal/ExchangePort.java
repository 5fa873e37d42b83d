package io.limiter.client.internal;

import io.limiter.core.redis.LimitStore;
import java.util.concurrent.CompletableFuture;

/**
 * The one Redis call the dispatcher makes: an atomic exchange (releases, then acquires) decided by the script. A
 * seam, so the dispatcher's ordering, compensation and retry rules have fast tests against a scripted fake; the
 * real one is {@link LimitStore#exchange(LimitStore.ExchangeRequest)}.
 */
@FunctionalInterface
interface ExchangePort {
    CompletableFuture<LimitStore.ExchangeResult> exchange(LimitStore.ExchangeRequest request);
}
