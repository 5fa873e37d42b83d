package io.limiter.client.internal;

import io.limiter.core.redis.LimitStore;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis is known to be unreachable. Set by a failed call; while set, a probe pings Redis every 500 ms and
 * clears it on the first answer, so the client returns to the shared cap by itself.
 */
final class RedisHealth {
    private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);
    private static final long PROBE_MS = 500;

    private final LimitStore store;
    private final ScheduledThreadPoolExecutor timer;
    private final Listeners listeners;
    private volatile Instant downSince;
    private volatile Throwable lastError;
    private ScheduledFuture<?> probe;

    RedisHealth(LimitStore store, ScheduledThreadPoolExecutor timer, Listeners listeners) {
        this.store = store;
        this.timer = timer;
        this.listeners = listeners;
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
        log.warn("Redis is unreachable: {}", cause.getMessage());
        listeners.fire(l -> l.onRedisUnavailable(cause));
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
        log.info("Redis is reachable again; back to the shared cap");
        listeners.fire(l -> l.onRedisAvailable());
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
            ping = store.ping();
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
