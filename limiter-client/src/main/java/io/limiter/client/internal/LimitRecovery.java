package io.limiter.client.internal;

import io.limiter.core.LimitPolicy;
import io.limiter.core.UnknownLimitException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that handles "the limit vanished from Redis", for acquires and renewals alike. If Redis lost it (a
 * restart that lost data, a failover that dropped writes) and this client defined it, the client defines it again
 * (create-if-absent). If an operator deleted it, Redis says so (a tombstone): the client forgets its own definition
 * and never brings the limit back by itself; only an explicit define does. Thread-safe.
 */
final class LimitRecovery {
    private static final Logger log = LoggerFactory.getLogger(LimitRecovery.class);

    /** What recovery needs from the client. */
    interface Host {
        /** The policy this client defined the limit with, if it did. */
        Optional<LimitPolicy> definedPolicy();

        /** Defines the limit again if absent; fails with a deleted {@link UnknownLimitException} after a delete. */
        CompletableFuture<?> defineAgain(LimitPolicy policy);

        /** Forgets this client's definition of the limit; whether there was one. */
        boolean forget();
    }

    private final String name;
    private final Host host;

    LimitRecovery(String name, Host host) {
        this.name = name;
        this.host = host;
    }

    /** Recovery of limit {@code name} through {@code client}'s definitions and store. */
    static LimitRecovery of(String name, DefaultLimiterClient client) {
        return new LimitRecovery(name, new Host() {
            @Override
            public Optional<LimitPolicy> definedPolicy() {
                return Optional.ofNullable(client.definedPolicy(name));
            }

            @Override
            public CompletableFuture<?> defineAgain(LimitPolicy policy) {
                return client.store().recover(name, policy);
            }

            @Override
            public boolean forget() {
                return client.forget(name);
            }
        });
    }

    /**
     * Reacts to {@code missing} (the limit is not in Redis). Completes (never exceptionally) with empty if the limit
     * was defined again (or is back anyway), so the caller may retry once; else with the exception to report (not
     * defined by this client, or deleted by an operator).
     */
    CompletableFuture<Optional<UnknownLimitException>> onMissing(UnknownLimitException missing) {
        if (missing.wasDeleted()) {
            deleted();
            return CompletableFuture.completedFuture(Optional.of(missing));
        }
        Optional<LimitPolicy> mine = host.definedPolicy();
        if (mine.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.of(missing));
        }
        log.info("limit '{}' is gone from Redis (its data was lost); defining it again as this client defined it: {}",
                name, mine.get());
        return host.defineAgain(mine.get()).handle((d, e) -> {
            if (e == null) {
                return Optional.empty();
            }
            if (Futures.unwrap(e) instanceof UnknownLimitException u && u.wasDeleted()) {
                deleted();
                return Optional.of(u);
            }
            log.warn("defining limit '{}' again failed: {}", name, Futures.unwrap(e).getMessage());
            return Optional.of(missing);
        });
    }

    /** An operator deleted the limit: this client will not define it again by itself. */
    void deleted() {
        if (host.forget()) {
            log.warn("limit '{}' was deleted by an operator; this client no longer defines it by itself", name);
        }
    }
}
