package io.limiter.client.internal;

import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.RenewRequest;
import io.limiter.core.internal.redis.RenewResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of every permit one limit holds in this process: one batched script call per tick, every
 * third of the lease, whatever the number of permits. Runs only while permits are held.
 *
 * <p>A renewed (or re-asserted) permit takes the epoch Redis answers, so after lost data a re-asserted permit
 * belongs to the new epoch and a later force release of it is reported, not re-asserted again. If the limit
 * vanished, the limit's recovery decides (define it again if this client defined it, never if an operator deleted
 * it); if renewals fail, a permit whose lease surely ran out by local time is reported lost.
 */
final class LeaseRenewer {
    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

    /** What the renewer needs from its limit. */
    interface Host {
        String name();

        /** One batched renewal call. */
        CompletableFuture<RenewResult> renew(List<RenewRequest> permits);

        /** The limit is not in Redis: empty if it was defined again (renew at once), else why it stays gone. */
        CompletableFuture<Optional<UnknownLimitException>> recover(UnknownLimitException missing);

        /** An operator deleted the limit: this client stops defining it by itself. */
        void deleted();

        /** Redis lost this permit, or it ran out: its work no longer counts against the cap. */
        void lost(DefaultPermit permit);
    }

    private final Host host;
    private final Clock clock;
    private final Map<String, DefaultPermit> held = new ConcurrentHashMap<>();
    private Clock.Cancellable next;
    private long nextAtNanos;
    private boolean running;
    private Duration lease = Duration.ofSeconds(30);
    private volatile boolean failing;

    LeaseRenewer(Host host, Clock clock) {
        this.host = host;
        this.clock = clock;
    }

    void add(DefaultPermit permit, Duration lease) {
        held.put(permit.id(), permit);
        synchronized (this) {
            boolean shorter = lease.compareTo(this.lease) < 0;
            this.lease = lease;
            if (next != null && shorter && nextAtNanos - clock.nanoTime() > period()) {
                next.cancel(); // the lease was shortened: renew on the new rhythm
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
                next.cancel();
                next = null;
            }
        }
        return all;
    }

    private long period() {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(100, lease.toMillis() / 3));
    }

    /** Call holding the lock. */
    private void schedule() {
        long delay = period();
        try {
            nextAtNanos = clock.nanoTime() + delay;
            next = clock.schedule(this::tick, delay);
        } catch (RejectedExecutionException closed) {
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
    private void renewHeld(boolean mayRecover) {
        List<String> ids = new ArrayList<>();
        List<RenewRequest> requests = new ArrayList<>();
        for (DefaultPermit p : held.values()) {
            ids.add(p.id());
            requests.add(new RenewRequest(p.id(), p.weight(), p.epoch()));
        }
        if (ids.isEmpty()) {
            done();
            return;
        }
        long sentAt = clock.nanoTime();
        CompletableFuture<RenewResult> call;
        try {
            call = host.renew(requests);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((r, e) -> {
            if (e == null && r.limitMissing() && !r.limitDeleted() && mayRecover) {
                // The limit vanished (Redis lost its data): if this client defined it, it is defined again and the
                // permits are re-asserted in the same tick.
                host.recover(new UnknownLimitException(host.name())).whenComplete((gone, re) -> {
                    if (re == null && gone.isEmpty()) {
                        renewHeld(false);
                    } else {
                        settle(ids, r, null, sentAt);
                    }
                });
                return;
            }
            if (e == null && r.limitDeleted()) {
                host.deleted(); // never defined again by this client; every id is lost below
            }
            settle(ids, r, e, sentAt);
        });
    }

    private void settle(List<String> ids, RenewResult r, Throwable e, long sentAt) {
        try {
            if (e != null) {
                if (!failing) {
                    log.warn("renewal of {} permit(s) of limit '{}' failed; retrying: {}", ids.size(), host.name(),
                            Futures.unwrap(e).getMessage());
                }
                failing = true;
                reportRunOut();
            } else {
                if (failing) {
                    log.info("renewal of limit '{}' works again", host.name());
                }
                failing = false;
                if (r.reasserted() > 0) {
                    log.warn("limit '{}' was created anew in Redis (its data was lost); re-asserted {} running "
                            + "permit(s) of this instance", host.name(), r.reasserted());
                }
                apply(ids, r, sentAt);
            }
        } catch (RuntimeException bug) {
            log.error("applying a renewal of limit '{}' failed", host.name(), bug);
        } finally {
            done();
        }
    }

    private void done() {
        synchronized (this) {
            running = false;
            if (!held.isEmpty() && next == null) {
                schedule();
            }
        }
    }

    /** Without Redis, a lease whose local deadline passed is lost: Redis has reclaimed it (or will). */
    private void reportRunOut() {
        for (DefaultPermit p : held.values()) {
            if (!p.isClosed() && !p.isValid() && held.remove(p.id()) != null) {
                p.markLost();
                log.warn("lease of permit {} of limit '{}' ran out while Redis was unreachable; its work no longer "
                        + "counts against the cap", p.id(), host.name());
                host.lost(p);
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
                            + "removed); its work no longer counts against the cap", id, host.name());
                    host.lost(p);
                }
            } else {
                p.renewed(r.leaseExpiresAtMs(), deadline, r.epoch());
            }
        }
    }
}
