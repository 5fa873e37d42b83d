package io.limiter.client.internal;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.Permit;
import io.limiter.client.RedisDownPolicy;
import io.limiter.core.LimiterClosedException;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.redis.AcquireResult;
import io.limiter.core.redis.LimitStore;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.RenewResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One limit in this process: acquire attempts, the local FIFO queue of waiters, and lease renewal.
 *
 * <p>Every grant is decided by Redis: a released permit is never handed to a local waiter in this process; the
 * release and the waiter's acquire ride one exchange call instead (one round trip), where the script checks the
 * cap in force. Waiters are queued in call order (also before the limit's first subscription is up), and on a fair
 * limit their tickets reach Redis in that same order.
 *
 * <p>Waiters are woken one at a time: by a release notification (pub/sub), by the queue's single timer (armed
 * at the retry-after hint of the last denial), or by a grant that left room (which wakes the next one). A
 * notification that arrives while every waiter has an attempt in flight is remembered, so a denial racing a
 * release retries at once instead of sleeping until the hint.
 */
final class DefaultLimiter implements DistributedLimiter {
    private static final Logger log = LoggerFactory.getLogger(DefaultLimiter.class);

    /** PENDING: queued before the limit's subscription was up; it attempts, in order, once it is. */
    private enum State { PENDING, SLEEPING, ATTEMPTING }

    private final String name;
    private final DefaultLimiterClient client;
    private final LeaseRenewer renewer;
    private final LocalFallback fallback;
    private final Dispatcher dispatcher;
    private final RedisHealth health;
    private final LimitRecovery recovery;
    private final Clock clock;

    // Guarded by "this".
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int missedWakes;
    /** Waiters in the queue still PENDING (queued before the subscription was up). */
    private int pending;
    private int attempting;
    private int handOffStreak;
    /** The queue's one timer, armed at the retry-after hint of the last denial; it wakes one waiter. */
    private final EarliestTimer timer;
    private CompletableFuture<RedisBackend.Subscription> subscription;
    private ScheduledFuture<?> keepAlive;
    /** Whether the limit is fair, as last answered by Redis. */
    private volatile boolean fair;


    /** Batches in a row whose releases carry local waiters before one is shared with everyone. */
    static final int HAND_OFF_STREAK = 16;

    /** Longest wait a retry-after hint arms (a later one just means: look again then). */
    static final Duration MAX_HINT = Duration.ofHours(1);

    /** How long a fair limit keeps a waiting ticket without a keep-alive. */
    static final Duration TICKET_TTL = Duration.ofSeconds(10);

    DefaultLimiter(String name, DefaultLimiterClient client) {
        this.name = name;
        this.client = client;
        this.clock = client.clock();
        this.timer = new EarliestTimer(clock, this::wakeOne);
        this.recovery = new LimitRecovery(name, client);
        this.renewer = new LeaseRenewer(new LeaseRenewer.Host() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletableFuture<RenewResult> renew(List<LimitStore.RenewRequest> permits) {
                return client.store().renew(name, client.instanceId(), permits);
            }

            @Override
            public CompletableFuture<Optional<UnknownLimitException>> recover(UnknownLimitException missing) {
                return recovery.onMissing(missing);
            }

            @Override
            public void deleted() {
                recovery.deleted();
            }

            @Override
            public void lost(DefaultPermit permit) {
                client.listeners().fire(l -> l.onLeaseLost(permit));
            }
        }, clock);
        this.fallback = new LocalFallback(this);
        this.dispatcher = new Dispatcher(name, client.instanceId(), client.store()::exchange, new Dispatcher.Host() {
            @Override
            public boolean countable() {
                return DefaultLimiter.this.countable();
            }

            @Override
            public List<Dispatcher.Acquire> handOffTo(int n) {
                return DefaultLimiter.this.handOffTo(n);
            }

            @Override
            public void learn(AcquireResult.PolicyNumbers policy) {
                DefaultLimiter.this.learn(policy);
            }
        }, clock);
        this.health = client.newHealth(name);
    }

    Listeners listeners() {
        return client.listeners();
    }

    @Override
    public int heldCount() {
        return renewer.size();
    }

    /** The weight of the permits held here: what the heartbeat reports as {@code permitsHeld}. */
    int heldWeight() {
        return renewer.weight();
    }

    @Override
    public synchronized int waitingCount() {
        return queue.size();
    }

    @Override
    public String name() {
        return name;
    }

    DefaultLimiterClient client() {
        return client;
    }

    LimitRecovery recovery() {
        return recovery;
    }

    @Override
    public Permit acquire(int weight, Duration timeout) {
        return Futures.await(start(weight, timeout, false), "a permit of limit '" + name + "'", Permit::releaseAsync);
    }

    @Override
    public Optional<Permit> tryAcquire(int weight) {
        try {
            return Optional.of(Futures.await(start(weight, Duration.ZERO, true), "a permit of limit '" + name + "'",
                    Permit::releaseAsync));
        } catch (NoPermitNow | LimiterTimeoutException none) {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(int weight, Duration timeout) {
        CompletableFuture<Permit> inner = start(weight, timeout, false);
        CompletableFuture<Permit> outer = new CompletableFuture<>();
        inner.whenComplete((p, e) -> {
            try {
                client.callbacks().execute(() -> deliver(outer, p, e));
            } catch (RejectedExecutionException closed) {
                deliver(outer, p, e);
            }
        });
        outer.whenComplete((p, e) -> {
            if (outer.isCancelled()) {
                inner.cancel(false);
            }
        });
        return outer;
    }

    private static void deliver(CompletableFuture<Permit> outer, Permit p, Throwable e) {
        if (e != null) {
            outer.completeExceptionally(Futures.unwrap(e));
        } else if (!outer.complete(p)) {
            p.releaseAsync();
        }
    }

    /** Starts an acquire; {@code once} makes a single attempt that fails with {@link NoPermitNow} if denied. */
    private CompletableFuture<Permit> start(int weight, Duration timeout, boolean once) {
        if (weight < 1) {
            throw new LimiterValidationException("weight", weight, "be at least 1");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new LimiterValidationException("timeout", timeout, "be zero or positive");
        }
        Waiter w = new Waiter(weight, timeout, once || timeout.isZero(), once, clock.nanoTime());
        if (health.isDown()) {
            degraded(w, health.lastError());
            return w.future;
        }
        try {
            if (w.singleShot) {
                // One attempt, with a deadline of its own: whatever happens to the call, the caller gets an answer.
                Duration bound = client.config().connectTimeout().plus(client.config().commandTimeout())
                        .plusMillis(500);
                ScheduledFuture<?> deadline = client.timer().schedule(() -> w.future.completeExceptionally(
                        new LimiterUnavailableException("no answer from Redis within " + bound.toMillis()
                                + " ms for limit '" + name + "'", null)), bound.toNanos(), TimeUnit.NANOSECONDS);
                w.future.whenComplete((p, e) -> deadline.cancel(false));
                synchronized (this) {
                    attempting++;
                }
                attempt(w);
                return w.future;
            }
            ScheduledFuture<?> deadline = client.timer().schedule(() -> {
                if (w.future.completeExceptionally(new LimiterTimeoutException(name, weight, timeout))) {
                    client.listeners().fire(l -> l.onTimeout(this, weight, timeout));
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            w.future.whenComplete((p, e) -> {
                deadline.cancel(false);
                leave(w);
            });
        } catch (RejectedExecutionException closed) {
            w.future.completeExceptionally(new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED));
            return w.future;
        }
        CompletableFuture<RedisBackend.Subscription> sub;
        synchronized (this) {
            // Queued now, in call order, even if the subscription is not up yet.
            w.state = State.PENDING;
            pending++;
            queue.addLast(w);
            sub = subscription();
        }
        // Admits every waiter still pending, oldest first: waiters that arrived while the subscription came up are
        // never overtaken by this one.
        sub.whenComplete((s, e) -> subscribed(e));
        return w.future;
    }

    /** The subscription is up (or failed): the waiters queued meanwhile attempt (or fail) in their call order. */
    private void subscribed(Throwable e) {
        if (e == null) {
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
                dispatcher.send(); // one per call slot taken (a send with nothing left gives its slot back)
            }
            return;
        }
        List<Waiter> failed = new ArrayList<>();
        synchronized (this) {
            for (Waiter w : queue) {
                if (w.state == State.PENDING) {
                    failed.add(w);
                }
            }
            queue.removeAll(failed);
            pending -= failed.size();
        }
        Throwable cause = Futures.unwrap(e);
        if (cause instanceof LimiterUnavailableException) {
            health.markDown(cause);
        }
        for (Waiter w : failed) {
            if (cause instanceof LimiterUnavailableException) {
                degraded(w, cause);
            } else {
                w.future.completeExceptionally(cause);
            }
        }
    }

    private synchronized CompletableFuture<RedisBackend.Subscription> subscription() {
        if (subscription == null || subscription.isCompletedExceptionally()) {
            subscription = client.backend().subscribe(client.store().keySchema().channel(name), this::onMessage);
        }
        return subscription;
    }

    /**
     * A notification: {@code w|owner|ticket} wakes exactly the waiter holding that ticket, if it is ours (fair
     * limits); anything else (freed weight, a policy change, or the backend's empty "messages may have been
     * missed" signal after a reconnect) wakes one local waiter.
     */
    private void onMessage(String message) {
        if (message.startsWith("w|")) {
            int last = message.lastIndexOf('|');
            String owner = message.substring(2, last);
            if (owner.equals(client.instanceId())) {
                wakeTicket(message.substring(last + 1));
            }
            return;
        }
        wakeOne();
    }

    private void wakeTicket(String ticket) {
        Waiter target = null;
        synchronized (this) {
            for (Waiter w : queue) {
                if (ticket.equals(w.ticket)) {
                    if (w.state == State.SLEEPING && !w.future.isDone()) {
                        w.state = State.ATTEMPTING;
                        attempting++;
                        target = w;
                    } else {
                        w.wakePending = true;
                    }
                    break;
                }
            }
        }
        if (target != null) {
            attempt(target);
        }
    }

    /**
     * A queued waiter either attempts now or sleeps until woken. Call holding the lock: its attempt is queued on
     * the dispatcher under the same lock, so attempts (and a fair limit's tickets) keep the local order.
     *
     * @return whether the caller must call {@link Dispatcher#send()} once it let go of the lock
     */
    private boolean admit(Waiter w) {
        // On a fair limit every waiter asks at once, to take its place in the cross-instance queue.
        boolean attemptNow = fair || !hasSleeper() || (!timer.isArmed() && attempting == 0);
        if (!attemptNow) {
            w.state = State.SLEEPING;
            return false;
        }
        w.state = State.ATTEMPTING;
        attempting++;
        return dispatcher.offer(request(w, false));
    }

    private void attempt(Waiter w) {
        dispatcher.acquire(request(w, false));
    }

    /** @param handOff the attempt rides a release of this process (a hand-off) */
    private Dispatcher.Acquire request(Waiter w, boolean handOff) {
        String id = newPermitId();
        long sentAt = clock.nanoTime();
        return new Dispatcher.Acquire(new LimitStore.AcquireRequest(id, w.weight, w.singleShot ? "" : w.ticket),
                (r, e) -> onResult(w, id, sentAt, handOff, r, e));
    }

    /**
     * Up to {@code n} sleeping waiters, oldest first, to ride on a batch that releases permits (non-fair limits):
     * the released capacity goes straight to them in the same round trip.
     */
    List<Dispatcher.Acquire> handOffTo(int n) {
        if (fair) {
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
            for (Waiter w : queue) {
                if (chosen.size() == n) {
                    break;
                }
                if (w.state == State.SLEEPING && !w.future.isDone()) {
                    w.state = State.ATTEMPTING;
                    attempting++;
                    chosen.add(w);
                }
            }
        }
        List<Dispatcher.Acquire> out = new ArrayList<>(chosen.size());
        for (Waiter w : chosen) {
            out.add(request(w, true));
        }
        return out;
    }

    private void onResult(Waiter w, String id, long sentAt, boolean handOff, AcquireResult r, Throwable e) {
        if (e != null) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof UnknownLimitException missing && !w.redefined) {
                w.redefined = true;
                recovery.onMissing(missing).whenComplete((gone, re) -> {
                    if (re == null && gone.isEmpty()) {
                        attempt(w); // defined again: one more try
                    } else {
                        failed(w, re == null ? gone.get() : missing);
                    }
                });
                return;
            }
            failed(w, cause);
            return;
        }
        health.markUp();
        fallback.learn(r.policy());
        fair = r.policy().fair();
        if (!client.listeners().isEmpty()) {
            long rtt = clock.nanoTime() - sentAt;
            client.listeners().fire(l -> l.onAttempt(this, Duration.ofNanos(rtt), r.granted()));
        }
        if (r.granted()) {
            DefaultPermit permit = new DefaultPermit(id, this, w.weight, r.leaseExpiresAtMs(),
                    sentAt + r.lease().toNanos(), r.policy().epoch(), clock);
            if (permit.leased()) {
                renewer.add(permit, r.lease());
            }
            boolean wakeNext;
            synchronized (this) {
                attempting--;
                queue.remove(w);
                // Attempts still in flight (often in the same batch) report room themselves: wake only once.
                // A hand-off takes the capacity its own release freed; room left beyond it is capacity another
                // instance was told about (a shared release) or freed elsewhere: it is not chased by waking the next
                // local waiter, so a busy process cannot keep a non-fair cap to itself.
                wakeNext = r.roomLeft() && hasSleeper() && attempting == 0 && !handOff;
                if (!wakeNext && hasSleeper()) {
                    armTimer(r.retryAfter());
                }
            }
            if (!w.future.isDone() && !client.listeners().isEmpty()) {
                Duration waited = Duration.ofNanos(clock.nanoTime() - w.startNanos);
                client.listeners().fire(l -> l.onAcquired(this, permit, waited));
            }
            if (!w.future.complete(permit)) {
                permit.releaseAsync();
            }
            if (wakeNext) {
                wakeOne();
            }
            return;
        }
        if (w.singleShot) {
            synchronized (this) {
                attempting--;
            }
            if (w.future.completeExceptionally(w.tryOnly ? NoPermitNow.INSTANCE
                    : new LimiterTimeoutException(name, w.weight, w.timeout))) {
                client.listeners().fire(l -> l.onTimeout(this, w.weight, Duration.ZERO));
            }
            return;
        }
        boolean retryNow = false;
        boolean passWake = false;
        synchronized (this) {
            if (w.future.isDone()) {
                // Gave up while this attempt was in flight: keep the others going (timer, or its pending wake).
                attempting--;
                queue.remove(w);
                if (w.wakePending || missedWakes > 0) {
                    passWake = true;
                } else if (hasSleeper()) {
                    armTimer(r.retryAfter());
                }
            } else if (w.wakePending) {
                w.wakePending = false;
                retryNow = true;
            } else if (missedWakes > 0 && !r.policy().fair()) {
                missedWakes--;
                retryNow = true;
            } else {
                attempting--;
                w.state = State.SLEEPING;
                if (r.policy().fair()) {
                    w.queuedTicket = true;
                    keepTicketsAlive();
                }
                armTimer(r.retryAfter());
            }
        }
        if (retryNow) {
            attempt(w);
        }
        if (w.future.isDone() && r.policy().fair() && !w.singleShot) {
            // A denied waiting attempt queued its ticket; the waiter is gone, so the ticket must go too.
            client.store().leave(name, w.ticket).exceptionally(ignored -> false);
        }
        if (passWake) {
            wakeOne();
        }
    }

    /** An attempt failed for good: the waiter leaves with {@code cause} (or the Redis-down path). */
    private void failed(Waiter w, Throwable cause) {
        synchronized (this) {
            attempting--;
            queue.remove(w);
        }
        if (cause instanceof LimiterUnavailableException) {
            health.markDown(cause);
            degraded(w, cause);
        } else {
            w.future.completeExceptionally(cause);
        }
        if (!w.singleShot) {
            wakeOne();
        }
    }

    /** Redis is unreachable: fail (FAIL_CLOSED) or grant locally, per this limit's policy. */
    private void degraded(Waiter w, Throwable cause) {
        RedisDownPolicy mode = client.config().redisDownPolicy(name);
        if (mode == RedisDownPolicy.FAIL_CLOSED) {
            w.future.completeExceptionally(cause instanceof LimiterUnavailableException ? cause
                    : new LimiterUnavailableException("Redis is unreachable (since " + health.downSince()
                            + ")", cause));
            return;
        }
        fallback.acquire(mode, w.weight, w.singleShot ? clock.nanoTime() : w.startNanos + w.timeout.toNanos(),
                w.timeout, w.future, cause);
    }

    /** Wakes the first sleeping waiter, or remembers the wake if all of them have an attempt in flight. */
    void wakeOne() {
        Waiter next = null;
        synchronized (this) {
            for (Waiter w : queue) {
                if (w.state == State.SLEEPING && !w.future.isDone()) {
                    next = w;
                    break;
                }
            }
            if (next != null) {
                next.state = State.ATTEMPTING;
                attempting++;
            } else if (attempting > missedWakes) {
                missedWakes++;
            }
        }
        if (next != null) {
            attempt(next);
        }
    }

    private synchronized void leave(Waiter w) {
        if (w.state == State.PENDING && queue.remove(w)) {
            pending--;
        } else if (w.state == State.SLEEPING) {
            queue.remove(w);
        }
        if (w.queuedTicket && !(w.future.isDone() && !w.future.isCompletedExceptionally())) {
            // Gave up while queued on a fair limit: take the ticket out so the next instance is woken.
            client.store().leave(name, w.ticket).exceptionally(e -> false);
        }
        if (queue.isEmpty()) {
            missedWakes = 0;
            timer.cancel();
        }
    }

    /** Fair limits: one batched keep-alive of this instance's queued tickets every third of their TTL. */
    private void keepTicketsAlive() {
        if (keepAlive != null) {
            return;
        }
        try {
            keepAlive = client.timer().schedule(this::keepAliveTick, TICKET_TTL.toMillis() / 3,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            keepAlive = null;
        }
    }

    private void keepAliveTick() {
        List<String> tickets = new ArrayList<>();
        synchronized (this) {
            keepAlive = null;
            for (Waiter w : queue) {
                if (w.queuedTicket && !w.future.isDone()) {
                    tickets.add(w.ticket);
                }
            }
            if (tickets.isEmpty()) {
                return;
            }
            keepTicketsAlive();
        }
        client.store().keepAlive(name, TICKET_TTL, tickets).whenComplete((k, e) -> {
            if (e == null) {
                for (String t : k.lost()) {
                    wakeTicket(t); // dropped (e.g. a Redis restart): ask again to queue again
                }
                // Our ticket is first and there is room, yet no notification got through (a missed message):
                // the head asks now, so a lost wake-up costs at most one keep-alive period.
                k.headIfRoom().filter(tickets::contains).ifPresent(this::wakeTicket);
            }
        });
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

    /**
     * Whether the limit is known to be rate-only and non-fair: then a batch's requests can go as counted groups
     * (no permit ids, leases or tickets are involved, and the script decides a group in one step).
     */
    boolean countable() {
        AcquireResult.PolicyNumbers p = fallback.policy();
        return !fair && p != null && p.permits() < 0 && p.rate() >= 0 && !p.fair();
    }

    /** Learns the policy from a reply that carried no per-request result for it. */
    void learn(AcquireResult.PolicyNumbers policy) {
        if (policy != null) {
            fallback.learn(policy);
            fair = policy.fair();
        }
    }

    /**
     * Queues the release of {@code permit} on the dispatcher (it rides the limit's next call, before any acquire
     * queued after it, and is retried while Redis is unreachable until the lease has surely run out).
     */
    CompletableFuture<Void> release(DefaultPermit permit) {
        renewer.remove(permit);
        return dispatcher.release(permit.id(), permit.localDeadlineNanos()).handle((held, e) -> null);
    }

    /**
     * Client closing: fail waiters, release held permits, stop renewing, and wait (bounded) until Redis answered
     * every release queued so far, including those of permits closed just before (close() does not wait).
     */
    void shutdown() {
        List<Waiter> waiting;
        synchronized (this) {
            waiting = List.copyOf(queue);
            queue.clear();
            pending = 0;
            timer.cancel();
            if (subscription != null) {
                subscription.thenAccept(RedisBackend.Subscription::close);
            }
        }
        for (Waiter w : waiting) {
            w.future.completeExceptionally(new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED));
        }
        fallback.shutdown();
        health.close();
        List<DefaultPermit> held = renewer.drain();
        for (DefaultPermit p : held) {
            p.releaseAsync();
        }
        try {
            // Releases and compensation for lost answers queued so far, each sent (retried) until Redis answers.
            dispatcher.flush().get(client.config().commandTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while releasing the permits of limit '{}'; those not released yet are held until "
                    + "their leases run out", name);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("releases of limit '{}' ({} permit(s) still held at close, and any closed just before) are "
                    + "unconfirmed; those not done are held until their leases run out", name, held.size());
        } finally {
            dispatcher.abandon();
        }
    }

    private static String newPermitId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    @Override
    public String toString() {
        return "DistributedLimiter{" + name + "}";
    }

    private static final class Waiter {
        final int weight;
        final Duration timeout;
        final boolean singleShot;
        final boolean tryOnly;
        final CompletableFuture<Permit> future = new CompletableFuture<>();
        final long startNanos;
        final String ticket;
        State state = State.ATTEMPTING;
        boolean redefined;
        boolean wakePending;
        boolean queuedTicket;

        Waiter(int weight, Duration timeout, boolean singleShot, boolean tryOnly, long startNanos) {
            this.startNanos = startNanos;
            this.weight = weight;
            this.timeout = timeout;
            this.singleShot = singleShot;
            this.tryOnly = tryOnly;
            this.ticket = singleShot ? "" : newPermitId();
        }
    }

    /** Internal signal: a single attempt was denied. */
    private static final class NoPermitNow extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NoPermitNow INSTANCE = new NoPermitNow();

        private NoPermitNow() {
            super("denied", null, false, false);
        }
    }
}
