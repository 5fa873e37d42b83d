package io.limiter.client.internal;

import io.limiter.core.internal.redis.LimitStore;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Redis node serving one limit is known to be unreachable. Set by a failed call; while set, a probe
 * pings that node every 500 ms and clears it on the first answer, so the limit returns to the shared cap by
 * itself. One per limit, so on a Redis Cluster a failing shard degrades only the limits it serves.
 */
final class RedisHealth {
    private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);
    private static final long PROBE_MS = 500;

    /** Told when this limit's Redis goes down or comes back. */
    interface Transitions {
        void changed(String limit, boolean down, Throwable cause);
    }

    private final LimitStore store;
    private final String limit;
    private final ScheduledThreadPoolExecutor timer;
    private final Transitions transitions;
    private volatile Instant downSince;
    private volatile Throwable lastError;
    private ScheduledFuture<?> probe;

    RedisHealth(LimitStore store, String limit, ScheduledThreadPoolExecutor timer, Transitions transitions) {
        this.store = store;
        this.limit = limit;
        this.timer = timer;
        this.transitions = transitions;
    }

    boolean isDown() {
        return downSince != null;
    }

    Instant downSince() {
        return downSince;
    }

    Throwable lastError() {
        return lastError;
    }

    void markDown(Throwable cause) {
        lastError = cause;
        synchronized (this) {
            if (downSince != null) {
                return;
            }
            downSince = Instant.now();
            scheduleProbe();
        }
        log.debug("limit '{}': Redis is unreachable: {}", limit, cause.getMessage());
        transitions.changed(limit, true, cause);
    }

    void markUp() {
        synchronized (this) {
            if (downSince == null) {
                return;
            }
            downSince = null;
            if (probe != null) {
                probe.cancel(false);
                probe = null;
            }
        }
        log.debug("limit '{}': Redis is reachable again", limit);
        transitions.changed(limit, false, null);
    }

    /** Stops probing (the limit is closing). */
    synchronized void close() {
        if (probe != null) {
            probe.cancel(false);
            probe = null;
        }
    }

    private void scheduleProbe() {
        try {
            probe = timer.schedule(this::probe, PROBE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            probe = null;
        }
    }

    private void probe() {
        CompletableFuture<java.time.Instant> ping;
        try {
            ping = store.ping(limit);
        } catch (RuntimeException e) {
            ping = CompletableFuture.failedFuture(e);
        }
        ping.whenComplete((t, e) -> {
            if (e == null) {
                markUp();
            } else {
                lastError = Futures.unwrap(e);
                synchronized (this) {
                    if (downSince != null) {
                        scheduleProbe();
                    }
                }
            }
        });
    }
}
