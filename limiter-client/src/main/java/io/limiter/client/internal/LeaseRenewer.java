package io.limiter.client.internal;

import io.limiter.core.redis.LimitStore;
import io.limiter.core.redis.RenewResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of every permit one limit holds in this process: one batched script call per tick, every
 * third of the lease, whatever the number of permits. Runs only while permits are held.
 */
final class LeaseRenewer {
    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

    private final DefaultLimiter limiter;
    private final Map<String, DefaultPermit> held = new ConcurrentHashMap<>();
    private ScheduledFuture<?> next;
    private boolean running;
    private Duration lease = Duration.ofSeconds(30);
    private volatile boolean failing;

    LeaseRenewer(DefaultLimiter limiter) {
        this.limiter = limiter;
    }

    void add(DefaultPermit permit, Duration lease) {
        held.put(permit.id(), permit);
        synchronized (this) {
            boolean shorter = lease.compareTo(this.lease) < 0;
            this.lease = lease;
            if (next != null && shorter
                    && next.getDelay(TimeUnit.MILLISECONDS) > Math.max(100, lease.toMillis() / 3)) {
                next.cancel(false); // the lease was shortened: renew on the new rhythm
                next = null;
            }
            if (next == null && !running) {
                schedule();
            }
        }
    }

    /** True while renewals fail (Redis unreachable or stalled). */
    boolean isFailing() {
        return failing;
    }

    void remove(DefaultPermit permit) {
        held.remove(permit.id(), permit);
    }

    /** The same permit id now belongs to {@code next} (a local hand-over). */
    void replace(DefaultPermit next) {
        held.put(next.id(), next);
    }

    int size() {
        return held.size();
    }

    /** The sum of the held permits' weights (what they use of the cap). */
    int weight() {
        return held.values().stream().mapToInt(DefaultPermit::weight).sum();
    }

    List<DefaultPermit> drain() {
        List<DefaultPermit> all = new ArrayList<>(held.values());
        held.clear();
        synchronized (this) {
            if (next != null) {
                next.cancel(false);
                next = null;
            }
        }
        return all;
    }

    private void schedule() {
        long delay = Math.max(100, lease.toMillis() / 3);
        try {
            next = limiter.client().timer().schedule(this::tick, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            next = null;
        }
    }

    private void tick() {
        synchronized (this) {
            next = null;
            if (held.isEmpty()) {
                return;
            }
            running = true;
        }
        renewHeld(true);
    }

    /** Renews what is held right now (rebuilt each time, so a permit released meanwhile is never re-asserted). */
    private void renewHeld(boolean mayDefine) {
        List<String> ids = new ArrayList<>();
        List<LimitStore.RenewRequest> requests = new ArrayList<>();
        for (DefaultPermit p : held.values()) {
            ids.add(p.id());
            requests.add(new LimitStore.RenewRequest(p.id(), p.weight(), p.epoch()));
        }
        if (ids.isEmpty()) {
            synchronized (this) {
                running = false;
            }
            return;
        }
        renew(ids, requests, mayDefine);
    }

    private void renew(List<String> ids, List<LimitStore.RenewRequest> requests, boolean mayDefine) {
        long sentAt = System.nanoTime();
        limiter.client().store().renew(limiter.name(), limiter.client().instanceId(), requests)
                .whenComplete((r, e) -> {
                    if (e == null && r.limitMissing() && mayDefine
                            && limiter.client().definedPolicy(limiter.name()) != null) {
                        // The limit vanished (Redis lost its data): this client defined it, so it defines it again
                        // and re-asserts its permits in the same tick.
                        limiter.client().store().define(limiter.name(), limiter.client().definedPolicy(limiter.name()))
                                .whenComplete((d, de) -> renewHeld(false));
                        return;
                    }
                    try {
                    if (e != null) {
                        if (!failing) {
                            log.warn("renewal of {} permit(s) of limit '{}' failed; retrying: {}", ids.size(),
                                    limiter.name(), Futures.unwrap(e).getMessage());
                        }
                        failing = true;
                        reportRunOut();
                    } else {
                        if (failing) {
                            log.info("renewal of limit '{}' works again", limiter.name());
                        }
                        failing = false;
                        if (r.reasserted() > 0) {
                            log.warn("limit '{}' was created anew in Redis (its data was lost); re-asserted {} "
                                    + "running permit(s) of this instance", limiter.name(), r.reasserted());
                        }
                        apply(ids, r, sentAt);
                    }
                    } finally {
                        synchronized (this) {
                            running = false;
                            if (!held.isEmpty()) {
                                schedule();
                            }
                        }
                    }
                });
    }

    /** Without Redis, a lease whose local deadline passed is lost: Redis has reclaimed it (or will). */
    private void reportRunOut() {
        for (DefaultPermit p : held.values()) {
            if (!p.isClosed() && !p.isValid() && held.remove(p.id()) != null) {
                p.markLost();
                log.warn("lease of permit {} of limit '{}' ran out while Redis was unreachable; its work no longer "
                        + "counts against the cap", p.id(), limiter.name());
                limiter.listeners().fire(l -> l.onLeaseLost(p));
            }
        }
    }

    private void apply(List<String> ids, RenewResult r, long sentAt) {
        HashSet<String> lost = new HashSet<>(r.lost());
        if (!r.lease().isZero()) {
            lease = r.lease();
        }
        long deadline = sentAt + r.lease().toNanos();
        for (String id : ids) {
            DefaultPermit p = held.get(id);
            if (p == null) {
                continue;
            }
            if (lost.contains(id)) {
                held.remove(id);
                if (!p.isClosed()) {
                    p.markLost();
                    log.warn("lease of permit {} of limit '{}' was lost (expired, force-released or the limit was "
                            + "removed); its work no longer counts against the cap", id, limiter.name());
                    limiter.listeners().fire(l -> l.onLeaseLost(p));
                }
            } else {
                p.renewed(r.leaseExpiresAtMs(), deadline);
            }
        }
    }
}
