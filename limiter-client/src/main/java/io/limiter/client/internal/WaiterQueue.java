package io.limiter.client.internal;

import io.limiter.client.internal.Waiter.State;
import io.limiter.core.LimiterClosedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The FIFO queue of one limit's waiting acquires in this process, as a state machine: a waiter is PENDING until the
 * limit's subscription is up (then admitted in call order), SLEEPING until woken, or ATTEMPTING while its attempt is
 * in flight. It never grants: it only decides who attempts next (the attempts themselves go through its
 * {@link Host}, and Redis decides them).
 *
 * <p>Waiters are woken one at a time: by a notification ({@link #wakeOne}, or {@link #wakeTicket} for a fair
 * limit's ticket), by the queue's single timer (armed at the earliest retry-after hint of a denial), or by a grant
 * that left room. A wake-up that arrives while every waiter has an attempt in flight is remembered, so a denial racing
 * a release retries at once instead of sleeping until the hint. Each waiter has its own deadline on the
 * {@link Clock}. Thread-safe; the host is never called holding the lock, except {@link Host#offer}.
 */
final class WaiterQueue {
    /** What the queue needs from its limit. Only {@link #offer} is called holding the queue's lock. */
    interface Host {
        /** Queues {@code w}'s attempt (under the lock, so attempts keep the queue's order); whether a send is owed. */
        boolean offer(Waiter w);

        /** Sends the next batch on a slot {@link #offer} took. */
        void send();

        /** Sends {@code w}'s attempt now. */
        void attempt(Waiter w);

        /** Whether the limit is fair, as last answered by Redis (every waiter then asks at once). */
        boolean fair();

        /** A ticket now waits in a fair limit's queue in Redis: keep it alive. */
        void ticketQueued();

        /** A waiter gave up while its ticket waited in a fair limit's queue: take the ticket out. */
        void ticketLeft(String ticket);

        /** A waiter's timeout ran out (it was failed with a timeout). */
        void timedOut(Waiter w);
    }

    /** Batches in a row whose releases carry local waiters before one is shared with everyone. */
    static final int HAND_OFF_STREAK = 16;

    /** Longest wait a retry-after hint arms (a later one just means: look again then). */
    static final Duration MAX_HINT = Duration.ofHours(1);
    /**
     * After a hand-off that left room, how long the sleepers wait before trying on their own: the same call published
     * the room to every instance (this one included), so the message wakes them on equal terms with the others; the
     * timer only covers a lost message. Retrying at once instead let the sharing process take back what it shared.
     */
    static final Duration SHARED_ROOM_BACKSTOP = Duration.ofMillis(100);

    private final String name;
    private final Clock clock;
    private final Host host;
    /** The queue's one timer, armed at the retry-after hint of the last denial; it wakes one waiter. */
    private final EarliestTimer timer;

    // Guarded by "this".
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int missedWakes;
    /** Waiters in the queue still PENDING (queued before the subscription was up). */
    private int pending;
    private int attempting;
    private int handOffStreak;

    WaiterQueue(String name, Clock clock, Host host) {
        this.name = name;
        this.clock = clock;
        this.host = host;
        this.timer = new EarliestTimer(clock, this::wakeOne);
    }

    /**
     * Queues a waiting {@code w} (PENDING, in call order) and arms its deadline; it leaves the queue whenever its
     * future completes. Returns false (and fails {@code w}) if the client is closed.
     */
    boolean enqueue(Waiter w) {
        try {
            w.armDeadline(clock, name, () -> host.timedOut(w));
        } catch (RejectedExecutionException closed) {
            w.future.completeExceptionally(new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED));
            return false;
        }
        w.future.whenComplete((p, e) -> leave(w));
        synchronized (this) {
            if (!w.future.isDone()) { // gone already (its leave() ran before it was queued): never queue it
                w.state = State.PENDING;
                pending++;
                queue.addLast(w);
            }
        }
        return true;
    }

    /** The subscription is up: every waiter still pending attempts (or sleeps), oldest first. */
    void admitPending() {
        int slots = 0;
        synchronized (this) {
            for (Iterator<Waiter> it = queue.iterator(); pending > 0 && it.hasNext(); ) {
                Waiter w = it.next();
                if (w.state == State.PENDING) {
                    pending--;
                    if (w.future.isDone()) {
                        w.state = State.SLEEPING; // gone already: its leave() takes it out
                    } else if (admit(w)) {
                        slots++;
                    }
                }
            }
        }
        for (int i = 0; i < slots; i++) {
            host.send(); // one per call slot taken (a send with nothing left gives its slot back)
        }
    }

    /** The subscription failed: takes every pending waiter out (oldest first) for the caller to fail. */
    synchronized List<Waiter> takePending() {
        List<Waiter> failed = queue.stream().filter(w -> w.state == State.PENDING).toList();
        queue.removeAll(failed);
        pending -= failed.size();
        return failed;
    }

    /** A queued waiter either attempts now or sleeps until woken. Call holding the lock. */
    private boolean admit(Waiter w) {
        // On a fair limit every waiter asks at once, to take its place in the cross-instance queue.
        boolean attemptNow = host.fair() || !hasSleeper() || (!timer.isArmed() && attempting == 0);
        if (!attemptNow) {
            w.state = State.SLEEPING;
            return false;
        }
        startAttempt(w);
        return host.offer(w);
    }

    /** Call holding the lock. */
    private void startAttempt(Waiter w) {
        w.state = State.ATTEMPTING;
        attempting++;
    }

    private static boolean asleep(Waiter w) {
        return w.state == State.SLEEPING && !w.future.isDone();
    }

    /** Wakes the first sleeping waiter, or remembers the wake if all of them have an attempt in flight. */
    void wakeOne() {
        Waiter next = null;
        synchronized (this) {
            for (Waiter w : queue) {
                if (asleep(w)) {
                    next = w;
                    break;
                }
            }
            if (next != null) {
                startAttempt(next);
            } else if (attempting > missedWakes) {
                missedWakes++;
            }
        }
        if (next != null) {
            host.attempt(next);
        }
    }

    /** Wakes exactly the waiter holding {@code ticket} (or remembers the wake if its attempt is in flight). */
    void wakeTicket(String ticket) {
        Waiter target = null;
        synchronized (this) {
            for (Waiter w : queue) {
                if (ticket.equals(w.ticket)) {
                    if (asleep(w)) {
                        startAttempt(w);
                        target = w;
                    } else {
                        w.wakePending = true;
                    }
                    break;
                }
            }
        }
        if (target != null) {
            host.attempt(target);
        }
    }

    /**
     * Up to {@code n} sleeping waiters, oldest first, now ATTEMPTING, to ride on a batch that releases permits
     * (non-fair limits only): the released capacity goes to them in the same round trip, decided by Redis.
     */
    List<Waiter> handOff(int n) {
        if (host.fair()) {
            return List.of();
        }
        List<Waiter> chosen = new ArrayList<>();
        synchronized (this) {
            // Every few batches, a release goes back to the shared pool and is announced, so other instances'
            // waiters get their turn: hand-offs must not let one busy process keep a non-fair cap to itself.
            if (++handOffStreak > HAND_OFF_STREAK) {
                handOffStreak = 0;
                return List.of();
            }
            queue.stream().filter(WaiterQueue::asleep).limit(n).forEach(chosen::add);
            chosen.forEach(this::startAttempt);
        }
        return chosen;
    }

    /** A single-shot attempt (never queued) starts: it counts as in flight. */
    synchronized void singleShotStarted() {
        attempting++;
    }

    /** A single-shot attempt was denied. */
    synchronized void singleShotDenied() {
        attempting--;
    }

    /**
     * {@code w}'s attempt was granted; it leaves the queue. Returns whether the caller must {@link #wakeOne} once it
     * delivered the permit (room was left, and nothing else in flight will report it).
     */
    synchronized boolean granted(Waiter w, boolean roomLeft, boolean handOff, Duration retryAfter) {
        attempting--;
        queue.remove(w);
        // Attempts still in flight (often in the same batch) report room themselves: wake only once. A hand-off
        // takes the capacity its own release freed; room left beyond it is capacity another instance was told about
        // (a shared release) or freed elsewhere: it is not chased by waking the next local waiter, so a busy process
        // cannot keep a non-fair cap to itself.
        boolean wakeNext = roomLeft && hasSleeper() && attempting == 0 && !handOff;
        if (!wakeNext && hasSleeper()) {
            armTimer(handOff && roomLeft ? SHARED_ROOM_BACKSTOP : retryAfter);
        }
        return wakeNext;
    }

    /** A waiting {@code w}'s attempt was denied: it attempts again at once (a wake-up came meanwhile) or sleeps. */
    void denied(Waiter w, boolean fair, Duration retryAfter) {
        boolean retryNow = false;
        boolean passWake = false;
        boolean ticketQueued = false;
        synchronized (this) {
            if (w.future.isDone()) {
                // Gave up while this attempt was in flight: keep the others going (timer, or its pending wake).
                attempting--;
                queue.remove(w);
                if (w.wakePending || missedWakes > 0) {
                    passWake = true;
                } else if (hasSleeper()) {
                    armTimer(retryAfter);
                }
            } else if (w.wakePending) {
                w.wakePending = false;
                retryNow = true;
            } else if (missedWakes > 0 && !fair) {
                missedWakes--;
                retryNow = true;
            } else {
                attempting--;
                w.state = State.SLEEPING;
                if (fair) {
                    w.queuedTicket = true;
                    ticketQueued = true;
                }
                armTimer(retryAfter);
            }
        }
        if (ticketQueued) {
            host.ticketQueued();
        }
        if (retryNow) {
            host.attempt(w);
        }
        if (w.future.isDone() && fair) {
            // A denied waiting attempt queued its ticket; the waiter is gone, so the ticket must go too.
            host.ticketLeft(w.ticket);
        }
        if (passWake) {
            wakeOne();
        }
    }

    /** {@code w}'s attempt failed for good: it leaves the queue (the caller answers it, then wakes the next one). */
    synchronized void failed(Waiter w) {
        attempting--;
        queue.remove(w);
    }

    private void leave(Waiter w) {
        boolean ticketLeft;
        synchronized (this) {
            if (w.state == State.PENDING && queue.remove(w)) {
                pending--;
            } else if (w.state == State.SLEEPING) {
                queue.remove(w);
            }
            // Gave up while queued on a fair limit: take the ticket out so the next instance is woken.
            ticketLeft = w.queuedTicket && !(w.future.isDone() && !w.future.isCompletedExceptionally());
            if (queue.isEmpty()) {
                missedWakes = 0;
                timer.cancel();
            }
        }
        if (ticketLeft) {
            host.ticketLeft(w.ticket);
        }
    }

    /** The tickets of the waiters whose tickets wait in a fair limit's queue in Redis. */
    synchronized List<String> queuedTickets() {
        return queue.stream().filter(w -> w.queuedTicket && !w.future.isDone()).map(w -> w.ticket).toList();
    }

    synchronized int size() {
        return queue.size();
    }

    /** Client closing: every waiter fails, the timer stops. */
    void close() {
        List<Waiter> waiting;
        synchronized (this) {
            waiting = List.copyOf(queue);
            queue.clear();
            pending = 0;
            timer.cancel();
        }
        for (Waiter w : waiting) {
            w.future.completeExceptionally(new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED));
        }
    }

    private boolean hasSleeper() {
        for (Waiter w : queue) {
            if (w.state == State.SLEEPING) {
                return true;
            }
        }
        return false;
    }

    /** Arms the queue's one timer at {@code hint} (at least 1 ms), unless it already fires sooner. */
    private void armTimer(Duration hint) {
        // A hint may be huge (weights far beyond a slow refill); waking earlier than needed is harmless.
        Duration delay = hint.compareTo(MAX_HINT) > 0 ? MAX_HINT : hint;
        timer.arm(clock.nanoTime() + Math.max(TimeUnit.MILLISECONDS.toNanos(1), delay.toNanos()));
    }
}
