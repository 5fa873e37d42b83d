package io.limiter.client.internal;

import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.Exceptions;
import io.limiter.core.internal.redis.AcquireRequest;
import io.limiter.core.internal.redis.AcquireResult;
import io.limiter.core.internal.redis.ExchangeRequest;
import io.limiter.core.internal.redis.ExchangeResult;
import io.limiter.core.internal.redis.NotCounted;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * with {@code EVAL}, a reconnect, a timeout). Releases are idempotent, so a repeated id changes nothing. Which
 * releases are pending, their retries while Redis is unreachable and giving up are {@link PendingReleases}.
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
    static final int MAX_IN_FLIGHT = 4;
    /** In flight for a rate-only, non-fair limit: fewer, fuller calls serve more there (measured ~+15 %). */
    static final int MAX_IN_FLIGHT_COUNTED = 2;

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
        void learn(AcquireResult.PolicyRead policy);
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
    private int inFlight;
    /** Releases (and compensation) not answered yet; its retry timer kicks this dispatcher. */
    private final PendingReleases releases;

    Dispatcher(String limit, String owner, ExchangePort port, Duration ticketTtl, Host host, Clock clock) {
        this.limit = limit;
        this.ticketTtl = ticketTtl;
        this.owner = owner;
        this.port = port;
        this.host = host;
        this.clock = clock;
        this.releases = new PendingReleases(limit, clock, this::kick);
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
        CompletableFuture<Boolean> done;
        boolean send;
        synchronized (this) {
            Optional<CompletableFuture<Boolean>> known = releases.pending(permitId);
            if (known.isPresent()) {
                return known.get();
            }
            done = releases.add(permitId, deadlineNanos);
            // A release never waits behind a full pipeline: the capacity it frees (and the local waiters riding
            // with it) would sit idle for a round trip.
            send = takeSlot(true);
        }
        if (send) {
            send();
        }
        return done;
    }

    /** Whether nothing is queued, in flight or pending here. */
    synchronized boolean idle() {
        return acquires.isEmpty() && inFlight == 0 && releases.size() == 0;
    }

    /** Number of releases (and compensations) not answered yet. */
    int pendingReleases() {
        return releases.size();
    }

    /**
     * Completes (never exceptionally) once every release pending now has been answered by Redis or given up;
     * callers bound the wait.
     */
    CompletableFuture<Void> flush() {
        CompletableFuture<?>[] pending = releases.answers();
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
        List<PendingReleases.Pending> carried = new ArrayList<>();
        CompletableFuture<ExchangeResult> call;
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
            for (PendingReleases.Pending p : carried) {
                ids.add(p.id);
            }
            List<AcquireRequest> requests = new ArrayList<>(as.size());
            for (Acquire a : as) {
                requests.add(a.request());
            }
            try {
                call = port.exchange(new ExchangeRequest(limit, owner, ticketTtl, ids,
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
    private int takeBatch(List<Acquire> as, List<PendingReleases.Pending> carried) {
        PendingReleases.Batch batch = releases.take(!acquires.isEmpty(), carried);
        if (batch.withAcquires()) {
            while (!acquires.isEmpty() && as.size() < MAX_BATCH) {
                as.add(acquires.pollFirst());
            }
        }
        return batch.fresh();
    }

    private void complete(List<Acquire> as, List<PendingReleases.Pending> carried, ExchangeResult result, Throwable e) {
        Throwable cause = e == null ? null : Exceptions.unwrap(e);
        releases.settle(carried, result, cause);
        if (cause instanceof LimiterUnavailableException && !as.isEmpty()) {
            releases.compensate(as.stream().map(a -> a.request().permitId()).toList());
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
            } catch (NotCounted notCounted) {
                // The limit is no longer rate-only and non-fair: send these again one by one, first in line.
                again = again == null ? new ArrayList<>() : again;
                again.add(a);
                continue;
            } catch (RuntimeException perRequest) {
                deliver(a, null, perRequest);
                continue;
            }
            releases.learnLease(r.lease());
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

    /** Gives up every pending release (the client is closed for good); their leases reclaim them. */
    void abandon() {
        releases.abandon();
    }
}
