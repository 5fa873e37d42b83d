package io.limiter.client.internal;

import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.redis.ExchangeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release path of one limit: every release (and compensation for a lost answer) not yet answered by Redis. A
 * release stays pending until a call carrying it has been answered. One whose call failed because Redis was
 * unreachable is due again every {@value #RETRY_MS} ms, on its own, until Redis answers or its lease has surely run
 * out; one Redis refused is given up. The retry timer runs {@code kick} (the dispatcher sends what is due).
 * Thread-safe; never calls out holding its lock.
 */
final class PendingReleases {
    private static final Logger log = LoggerFactory.getLogger(PendingReleases.class);

    /** Most release ids one call carries. */
    static final int MAX_RELEASES = 1024;
    /** Pause before a release whose call failed (Redis unreachable) is sent again. */
    static final long RETRY_MS = 500;
    /** How long compensation is retried when the lease is not known: the longest lease a policy may have. */
    static final Duration UNKNOWN_LEASE = Duration.ofHours(24);
    /** Compensation ids kept at most (beyond, a lost grant is reclaimed by its lease). */
    static final int MAX_COMPENSATION = 10 * Dispatcher.MAX_BATCH;

    /** A release not yet answered by Redis. */
    static final class Pending {
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

    /** What the next call carries: whether acquires may ride along, and how many releases go out for the first time. */
    record Batch(boolean withAcquires, int fresh) {
    }

    private final String limit;
    private final Clock clock;
    private final Runnable kick;
    private final EarliestTimer retryTimer;
    // Guarded by "this".
    private final LinkedHashMap<String, Pending> releases = new LinkedHashMap<>();
    private int compensations;
    private long leaseNanos = UNKNOWN_LEASE.toNanos();

    PendingReleases(String limit, Clock clock, Runnable kick) {
        this.limit = limit;
        this.clock = clock;
        this.kick = kick;
        this.retryTimer = new EarliestTimer(clock, this::retryDue);
    }

    /** The answer of the pending release of {@code id}, if it is pending. */
    synchronized Optional<CompletableFuture<Boolean>> pending(String id) {
        return Optional.ofNullable(releases.get(id)).map(p -> p.done);
    }

    /**
     * Adds the release of {@code id} (not pending yet), given up at {@code deadlineNanos} (its lease has surely run
     * out by then). Returns its answer: whether Redis held the id.
     */
    synchronized CompletableFuture<Boolean> add(String id, long deadlineNanos) {
        Pending p = new Pending(id, deadlineNanos, false);
        releases.put(id, p);
        return p.done;
    }

    synchronized int size() {
        return releases.size();
    }

    /** The answers of every release pending now. */
    synchronized CompletableFuture<?>[] answers() {
        return releases.values().stream().map(p -> p.done).toArray(CompletableFuture<?>[]::new);
    }

    /** The lease of the limit, as last answered (how long compensation is retried). */
    synchronized void learnLease(Duration lease) {
        if (lease.toNanos() > 0) {
            leaseNanos = lease.toNanos();
        }
    }

    /**
     * Takes the releases the next call carries into {@code carried}: every pending one if acquires wait and all fit
     * (a release is never decided later than an acquire queued after it), else those due on their own.
     */
    synchronized Batch take(boolean acquiresWaiting, List<Pending> carried) {
        long now = clock.nanoTime();
        boolean withAcquires = acquiresWaiting && releases.size() <= MAX_RELEASES;
        if (withAcquires) {
            carried.addAll(releases.values());
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
        return new Batch(withAcquires, fresh);
    }

    /** The call that carried {@code carried} was answered ({@code cause} null) or failed. */
    void settle(List<Pending> carried, ExchangeResult result, Throwable cause) {
        if (carried.isEmpty()) {
            return;
        }
        boolean unreachable = cause instanceof LimiterUnavailableException;
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
                    remove(p);
                    answered.add(p);
                    answers.add(result.released().get(i));
                } else if (p.carriedBy == 0) {
                    // Give up when Redis refused it, or when the next try would come after the lease surely ran out.
                    if (!unreachable || now + TimeUnit.MILLISECONDS.toNanos(RETRY_MS) - p.deadlineNanos >= 0) {
                        remove(p);
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
            retryTimer.arm(now + TimeUnit.MILLISECONDS.toNanos(RETRY_MS));
        }
    }

    private void remove(Pending p) {
        releases.remove(p.id);
        if (p.compensation) {
            compensations--;
        }
    }

    /** A call with these acquires got no answer: Redis may have granted them; release those ids (idempotent). */
    void compensate(List<String> ids) {
        long now = clock.nanoTime();
        synchronized (this) {
            long deadline = now + leaseNanos + TimeUnit.SECONDS.toNanos(1);
            for (String id : ids) {
                if (compensations >= MAX_COMPENSATION || releases.containsKey(id)) {
                    continue;
                }
                Pending p = new Pending(id, deadline, true);
                p.everSent = true;
                releases.put(id, p);
                compensations++;
            }
        }
        retryTimer.arm(now);
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
        kick.run();
        if (later != null) {
            retryTimer.arm(later);
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
