package io.limiter.client.internal;

import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.Exceptions;
import io.limiter.core.redis.AcquireResult;
import io.limiter.core.redis.LimitStore;
import io.limiter.core.redis.LimitStore.AcquireRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces one limit's Redis traffic from this process into exchange calls (releases, then acquires, decided by
 * the script in one round trip). At most {@value #MAX_IN_FLIGHT} calls are in flight ({@value
 * #MAX_IN_FLIGHT_COUNTED} for a rate-only, non-fair limit, whose requests go as counted groups); whatever arrives
 * meanwhile goes out together in the next one. Calls are issued in the order their batches were taken.
 *
 * <p>Releases. A release stays pending until a call carrying it has been answered by Redis, and <em>every</em> call
 * that carries acquires also carries every release still pending. So a release is never decided later than an
 * acquire queued after it, whatever happened to the call that first carried it (a {@code NOSCRIPT} answer retried
 * with {@code EVAL}, a reconnect, a timeout). Releases are idempotent, so a repeated id changes nothing. A release
 * whose call failed because Redis was unreachable is sent again every {@value #RETRY_MS} ms, on its own, until
 * Redis answers or its lease has surely run out.
 *
 * <p>Lost answers. If a call carrying acquires got no answer (a timeout, a stall), Redis may still have granted
 * them: their ids become pending releases (compensation), sent with the next call or on their own by the retry
 * timer, and flushed on close, so a grant nobody received is never held for a whole lease.
 *
 * <p>Every per-request completion is isolated: one callback that throws never keeps the others of its call from
 * completing. Thread-safe.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    static final int MAX_BATCH = 256;
    /** Most release ids one call carries. */
    static final int MAX_RELEASES = 1024;
    static final int MAX_IN_FLIGHT = 4;
    /** In flight for a rate-only, non-fair limit: fewer, fuller calls serve more there (measured ~+15 %). */
    static final int MAX_IN_FLIGHT_COUNTED = 2;
    /** Pause before a release whose call failed (Redis unreachable) is sent again. */
    static final long RETRY_MS = 500;
    /** How long compensation is retried when the lease is not known: the longest lease a policy may have. */
    static final Duration UNKNOWN_LEASE = Duration.ofHours(24);
    /** Compensation ids kept at most (beyond, a lost grant is reclaimed by its lease). */
    static final int MAX_COMPENSATION = 10 * MAX_BATCH;

    /** An acquire attempt and where its answer goes. */
    record Acquire(AcquireRequest request, BiConsumer<AcquireResult, Throwable> done) {
    }

    /** What the dispatcher needs from its limit. */
    interface Host {
        /** Whether the limit is known to be rate-only and non-fair (requests may go as counted groups). */
        boolean countable();

        /** Up to {@code n} sleeping local waiters to ride on a call that releases capacity (may be empty). */
        List<Acquire> handOffTo(int n);

        /** The policy seen in a reply that carried no per-request result for it. */
        void learn(AcquireResult.PolicyNumbers policy);
    }

    /** A release not yet answered by Redis. */
    private static final class Pending {
        final String id;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        final long deadlineNanos;
        final boolean compensation;
        int carriedBy;
        boolean everSent;
        boolean warned;
        long notBeforeNanos;

        Pending(String id, long deadlineNanos, boolean compensation) {
            this.id = id;
            this.deadlineNanos = deadlineNanos;
            this.compensation = compensation;
        }
    }

    private final String limit;
    private final String owner;
    private final ExchangePort port;
    private final Host host;
    private final Clock clock;
    /** How long a fair limit keeps a denied waiter's ticket without a keep-alive. */
    private final Duration ticketTtl;
    /** Taking a batch and issuing its call happen under this lock, so calls go out in the order batches were taken. */
    private final Object sendLock = new Object();

    // Guarded by "this".
    private final ArrayDeque<Acquire> acquires = new ArrayDeque<>();
    private final LinkedHashMap<String, Pending> releases = new LinkedHashMap<>();
    private int compensations;
    private int inFlight;
    /** Sends pending releases on their own (retries, compensation); created in the constructor. */
    private final EarliestTimer retryTimer;
    private long leaseNanos = UNKNOWN_LEASE.toNanos();

    Dispatcher(String limit, String owner, ExchangePort port, Duration ticketTtl, Host host, Clock clock) {
        this.limit = limit;
        this.ticketTtl = ticketTtl;
        this.owner = owner;
        this.port = port;
        this.host = host;
        this.clock = clock;
        this.retryTimer = new EarliestTimer(clock, this::retryDue);
    }

    /**
     * Queues an acquire attempt. Attempts go out in the order they were queued (callers that need an order among
     * themselves queue under their own lock; this never calls back into the caller while queuing).
     *
     * @return true if the caller must call {@link #send()} (a call slot was taken for it)
     */
    synchronized boolean offer(Acquire a) {
        acquires.addLast(a);
        return takeSlot();
    }

    /** Queues and sends an acquire attempt. Never call holding a lock that {@link Host#handOffTo} takes. */
    void acquire(Acquire a) {
        if (offer(a)) {
            send();
        }
    }

    /**
     * Queues a release; it rides the next call. Completes with whether Redis held the id, exceptionally if it
     * could not be sent before {@code deadlineNanos} (the lease has surely run out by then) or Redis refused it.
     */
    CompletableFuture<Boolean> release(String permitId, long deadlineNanos) {
        Pending p;
        boolean send;
        synchronized (this) {
            p = releases.get(permitId);
            if (p != null) {
                return p.done;
            }
            p = new Pending(permitId, deadlineNanos, false);
            releases.put(permitId, p);
            // A release never waits behind a full pipeline: the capacity it frees (and the local waiters riding
            // with it) would sit idle for a round trip.
            send = takeSlot(true);
        }
        if (send) {
            send();
        }
        return p.done;
    }

    /** Number of releases (and compensations) not answered yet. */
    synchronized int pendingReleases() {
        return releases.size();
    }

    /**
     * Completes (never exceptionally) once every release pending now has been answered by Redis or given up;
     * callers bound the wait.
     */
    CompletableFuture<Void> flush() {
        CompletableFuture<?>[] pending;
        synchronized (this) {
            pending = new CompletableFuture<?>[releases.size()];
            int i = 0;
            for (Pending p : releases.values()) {
                pending[i++] = p.done;
            }
        }
        kick();
        return CompletableFuture.allOf(pending).handle((v, e) -> null);
    }

    /** Starts a call if a slot is free and anything is waiting. */
    void kick() {
        boolean send;
        synchronized (this) {
            send = takeSlot();
        }
        if (send) {
            send();
        }
    }

    private boolean takeSlot() {
        return takeSlot(false);
    }

    /** Takes a call slot if one is free; a fresh release may use up to twice as many. Call holding the lock. */
    private boolean takeSlot(boolean forRelease) {
        int max = host.countable() ? MAX_IN_FLIGHT_COUNTED : MAX_IN_FLIGHT;
        if (inFlight >= (forRelease ? 2 * max : max)) {
            return false;
        }
        inFlight++;
        return true;
    }

    /** Sends the next batch on the slot the caller took. */
    void send() {
        List<Acquire> as = new ArrayList<>();
        List<Pending> carried = new ArrayList<>();
        CompletableFuture<LimitStore.ExchangeResult> call;
        synchronized (sendLock) {
            int fresh;
            synchronized (this) {
                fresh = takeBatch(as, carried);
                if (as.isEmpty() && carried.isEmpty()) {
                    inFlight--;
                    return;
                }
            }
            if (fresh > as.size()) {
                // Capacity the batch's own acquires may not take goes to sleeping local waiters, decided by Redis in
                // this same call (after the releases).
                as.addAll(host.handOffTo(fresh - as.size()));
            }
            List<String> ids = new ArrayList<>(carried.size());
            for (Pending p : carried) {
                ids.add(p.id);
            }
            List<AcquireRequest> requests = new ArrayList<>(as.size());
            for (Acquire a : as) {
                requests.add(a.request());
            }
            try {
                call = port.exchange(new LimitStore.ExchangeRequest(limit, owner, ticketTtl, ids,
                        false, requests, requests.size() > 1 && host.countable()));
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
        }
        call.whenComplete((result, e) -> {
            try {
                complete(as, carried, result, e);
            } finally {
                synchronized (this) {
                    inFlight--;
                }
                kick();
            }
        });
    }

    /**
     * Takes the next batch: acquires only if every pending release rides along (or fits); else releases alone.
     * Returns how many of the carried releases go out for the first time (capacity freed now).
     */
    private int takeBatch(List<Acquire> as, List<Pending> carried) {
        long now = clock.nanoTime();
        if (!acquires.isEmpty() && releases.size() <= MAX_RELEASES) {
            carried.addAll(releases.values());
            while (!acquires.isEmpty() && as.size() < MAX_BATCH) {
                as.add(acquires.pollFirst());
            }
        } else {
            for (Pending p : releases.values()) {
                if (carried.size() == MAX_RELEASES) {
                    break;
                }
                if (p.carriedBy == 0 && p.notBeforeNanos - now <= 0) {
                    carried.add(p);
                }
            }
        }
        int fresh = 0;
        for (Pending p : carried) {
            if (!p.everSent && !p.compensation) {
                fresh++;
            }
            p.everSent = true;
            p.carriedBy++;
        }
        return fresh;
    }

    private void complete(List<Acquire> as, List<Pending> carried, LimitStore.ExchangeResult result, Throwable e) {
        Throwable cause = e == null ? null : Exceptions.unwrap(e);
        boolean unreachable = cause instanceof LimiterUnavailableException;
        settleReleases(carried, result, cause, unreachable);
        if (cause != null && unreachable && !as.isEmpty()) {
            compensate(as);
        }
        List<Acquire> again = null;
        for (int i = 0; i < as.size(); i++) {
            Acquire a = as.get(i);
            if (cause != null) {
                deliver(a, null, cause);
                continue;
            }
            AcquireResult r;
            try {
                r = result.acquired(i);
            } catch (LimitStore.NotCounted notCounted) {
                // The limit is no longer rate-only and non-fair: send these again one by one, first in line.
                again = again == null ? new ArrayList<>() : again;
                again.add(a);
                continue;
            } catch (RuntimeException perRequest) {
                deliver(a, null, perRequest);
                continue;
            }
            if (r.lease().toNanos() > 0) {
                synchronized (this) {
                    leaseNanos = r.lease().toNanos();
                }
            }
            deliver(a, r, null);
        }
        if (again != null) {
            host.learn(result.policy());
            synchronized (this) {
                for (int i = again.size() - 1; i >= 0; i--) {
                    acquires.addFirst(again.get(i));
                }
            }
        }
    }

    /** One request's answer; a callback that throws is logged and never stops the others. */
    private void deliver(Acquire a, AcquireResult r, Throwable e) {
        try {
            a.done().accept(r, e);
        } catch (Throwable bug) {
            log.error("completing an acquire of limit '{}' failed; the other requests go on", limit, bug);
        }
    }

    private void settleReleases(List<Pending> carried, LimitStore.ExchangeResult result, Throwable cause,
            boolean unreachable) {
        if (carried.isEmpty()) {
            return;
        }
        List<Pending> answered = new ArrayList<>();
        List<Boolean> answers = new ArrayList<>();
        List<Pending> givenUp = new ArrayList<>();
        boolean retry = false;
        int firstFailures = 0;
        long now = clock.nanoTime();
        synchronized (this) {
            for (int i = 0; i < carried.size(); i++) {
                Pending p = carried.get(i);
                p.carriedBy--;
                if (releases.get(p.id) != p) {
                    continue; // already answered by another call that carried it
                }
                if (cause == null) {
                    releases.remove(p.id);
                    if (p.compensation) {
                        compensations--;
                    }
                    answered.add(p);
                    answers.add(result.released().get(i));
                } else if (p.carriedBy == 0) {
                    // Give up when Redis refused it, or when the next try would come after the lease surely ran out.
                    if (!unreachable || now + TimeUnit.MILLISECONDS.toNanos(RETRY_MS) - p.deadlineNanos >= 0) {
                        releases.remove(p.id);
                        if (p.compensation) {
                            compensations--;
                        }
                        givenUp.add(p);
                    } else {
                        p.notBeforeNanos = now + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
                        retry = true;
                        if (!p.warned && !p.compensation) {
                            p.warned = true;
                            firstFailures++;
                        }
                    }
                }
            }
        }
        for (int i = 0; i < answered.size(); i++) {
            answered.get(i).done.complete(answers.get(i));
        }
        if (!givenUp.isEmpty()) {
            log.warn("{} release(s) of limit '{}' could not be sent ({}); Redis reclaims them when their leases run "
                    + "out", givenUp.size(), limit, cause.getMessage());
            for (Pending p : givenUp) {
                p.done.completeExceptionally(cause);
            }
        }
        if (firstFailures > 0) {
            log.warn("{} release(s) of limit '{}' failed ({}); sending them again every {} ms until Redis answers or "
                    + "their leases run out", firstFailures, limit, cause.getMessage(), RETRY_MS);
        }
        if (retry) {
            armRetry(now + TimeUnit.MILLISECONDS.toNanos(RETRY_MS));
        }
    }

    /** A call with acquires got no answer: Redis may have granted them; release those ids (idempotent). */
    private void compensate(List<Acquire> as) {
        long now = clock.nanoTime();
        synchronized (this) {
            long deadline = now + leaseNanos + TimeUnit.SECONDS.toNanos(1);
            for (Acquire a : as) {
                String id = a.request().permitId();
                if (compensations >= MAX_COMPENSATION || releases.containsKey(id)) {
                    continue;
                }
                Pending p = new Pending(id, deadline, true);
                p.everSent = true;
                releases.put(id, p);
                compensations++;
            }
        }
        armRetry(now);
    }

    /** Sends pending releases on their own at {@code atNanos}, unless a retry is already armed sooner. */
    private void armRetry(long atNanos) {
        retryTimer.arm(atNanos);
    }

    /** The retry timer fired: send what is due, and arm again for what is due later. */
    private void retryDue() {
        long now = clock.nanoTime();
        Long later = null;
        synchronized (this) {
            for (Pending p : releases.values()) {
                if (p.carriedBy == 0 && p.notBeforeNanos - now > 0
                        && (later == null || p.notBeforeNanos - later < 0)) {
                    later = p.notBeforeNanos;
                }
            }
        }
        kick();
        if (later != null) {
            armRetry(later);
        }
    }

    /** Gives up every pending release (the client is closed for good); their leases reclaim them. */
    void abandon() {
        List<Pending> all;
        synchronized (this) {
            all = new ArrayList<>(releases.values());
            releases.clear();
            compensations = 0;
        }
        retryTimer.cancel();
        LimiterUnavailableException closed = new LimiterUnavailableException(
                "the limiter client was closed before Redis answered this release", null);
        for (Pending p : all) {
            p.done.completeExceptionally(closed);
        }
    }
}
