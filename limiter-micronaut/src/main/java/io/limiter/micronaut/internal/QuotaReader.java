package io.limiter.micronaut.internal;

import io.limiter.core.LimitKeys;
import io.limiter.core.UnknownLimitException;
import io.limiter.micronaut.HttpLimitsProperties;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads what a limit has left, for the rate-limit fields and {@code Retry-After}. The client's public API does not
 * return the acquire script's remaining count and retry-after hint, so this is one extra read-only script call
 * ({@code state}) per answer that shows them. Grants are never decided here.
 *
 * <p>Floods: after a denial, the {@code Retry-After} found is remembered until it has passed, and further denials of
 * the same limit reuse it (counting down) instead of reading Redis again.
 */
@Singleton
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
@Requires(property = HttpLimitsProperties.PREFIX + ".enabled", notEquals = "false")
class QuotaReader {
    private record Denied(Quota quota, long untilNanos) {
    }

    private final LimiterRuntime runtime;
    private final ConcurrentMap<String, Denied> denied = new ConcurrentHashMap<>();

    QuotaReader(LimiterRuntime runtime) {
        this.runtime = runtime;
    }

    /** The limit's state now; for a key ({@code key} present), the key's, named after its keyed limit. */
    CompletableFuture<Quota> read(String limit, Optional<String> key) {
        String stored = key.map(k -> LimitKeys.nameOf(limit, k)).orElse(limit);
        return runtime.store().state(stored, 0)
                .orTimeout(runtime.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(s -> {
                    var state = s.orElseThrow(() -> new UnknownLimitException(limit));
                    return Quota.of(limit, state);
                });
    }

    /**
     * Why a request of {@code route} was denied: the quota and the seconds to wait (at least 1), from a recent
     * denial of the same limit (or key) when its wait has not passed yet.
     */
    CompletableFuture<DenialInfo> denial(HttpRoute route, Optional<String> key) {
        long now = System.nanoTime();
        String id = key.map(k -> LimitKeys.nameOf(route.limit(), k)).orElse(route.limit());
        Denied d = denied.get(id);
        if (d != null && d.untilNanos - now > 0) {
            long secs = Math.max(1, (long) Math.ceil((d.untilNanos - now) / 1e9));
            return CompletableFuture.completedFuture(new DenialInfo(d.quota, secs));
        }
        return read(route.limit(), key).thenApply(q -> {
            long secs = retryAfter(q, route);
            remember(id, new Denied(q, System.nanoTime() + TimeUnit.SECONDS.toNanos(secs)));
            return new DenialInfo(q, secs);
        });
    }

    /** Keys are many and chosen by clients: past {@link #MAX_REMEMBERED} entries the passed ones are dropped. */
    private void remember(String id, Denied d) {
        if (denied.size() >= MAX_REMEMBERED) {
            long now = System.nanoTime();
            denied.values().removeIf(e -> e.untilNanos - now <= 0);
            if (denied.size() >= MAX_REMEMBERED) {
                return; // a flood of keys still waiting: read again rather than grow without bound
            }
        }
        denied.put(id, d);
    }

    /** Remembered denials at most (one per limit or key whose wait has not passed). */
    static final int MAX_REMEMBERED = 10_000;

    /**
     * A denial's quota and wait.
     *
     * @param quota the state read
     * @param retryAfterSeconds seconds to wait, at least 1
     */
    record DenialInfo(Quota quota, long retryAfterSeconds) {
    }

    static long retryAfter(Quota q, HttpRoute route) {
        long secs = 0;
        if (!q.hasTokens(route.weight())) {
            secs = q.secondsUntilTokens(route.weight());
        }
        if (q.policy().hasConcurrency() && (!q.hasPermits(route.weight()) || secs == 0)) {
            secs = Math.max(secs, (long) Math.ceil(route.retryAfter().toMillis() / 1000.0));
        }
        if (!q.hasQuota(route.weight())) {
            secs = Math.max(secs, q.quotaResetSeconds());
        }
        return Math.max(1, secs);
    }
}
