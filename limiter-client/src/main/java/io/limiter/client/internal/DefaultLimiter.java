package io.limiter.client.internal;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.Permit;
import io.limiter.core.LimitKeys;
import io.limiter.core.LimiterClosedException;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.AcquireResult;
import io.limiter.core.internal.redis.RenewRequest;
import io.limiter.core.internal.redis.RenewResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One limit in this process: the facade that wires its parts. The {@link WaiterQueue} orders local waiters (FIFO,
 * also before the limit's first subscription is up), {@link Attempts} sends their attempts through the
 * {@link Dispatcher} and applies the answers, {@link LimitChannel} routes release notifications, {@link FairTickets}
 * keeps a fair limit's tickets alive, {@link LeaseRenewer} renews held permits, {@link LimitRecovery} handles a
 * limit that vanished, and {@link LocalFallback} grants while Redis is unreachable (if the limit's policy says so).
 *
 * <p>Every grant is decided by Redis: a released permit is never handed to a local waiter in this process; the
 * release and the waiter's acquire ride one exchange call instead (one round trip), where the script checks the
 * cap in force. On a fair limit, waiters' tickets reach Redis in their local call order.
 */
final class DefaultLimiter implements DistributedLimiter {
    private static final Logger log = LoggerFactory.getLogger(DefaultLimiter.class);

    /** The name the limit's state lives under in Redis: the limit's, or for a key of a keyed limit the key's. */
    private final String name;
    /** The key, for a key of a keyed limit; else null. */
    private final String key;
    private final DefaultLimiterClient client;
    private final Clock clock;
    private final LimitRecovery recovery;
    private final LeaseRenewer renewer;
    private final LocalFallback fallback;
    private final RedisHealth health;
    private final WaiterQueue queue;
    private final FairTickets tickets;
    private final LimitChannel channel;
    private final Dispatcher dispatcher;
    private final Attempts attempts;
    /** Whether the limit is fair, as last answered by Redis. */
    private volatile boolean fair;
    /**
     * Whether any answer told the policy yet. Until then the waiter queue treats the limit as fair (every waiter asks
     * at once, no hand-offs): a waiter put to sleep on the guess "not fair" would get its ticket after a later waiter
     * that asked once the answer said "fair", breaking the call order of a fair limit.
     */
    private volatile boolean policyKnown;

    DefaultLimiter(String name, DefaultLimiterClient client) {
        this.name = name;
        this.key = LimitKeys.isKeyName(name) ? LimitKeys.keyOf(name) : null;
        this.client = client;
        this.clock = client.clock();
        // A key vanishing means its keyed limit did: recovery defines that one again (if this client defined it).
        this.recovery = LimitRecovery.of(key != null ? LimitKeys.familyOf(name) : name, client);
        this.renewer = new LeaseRenewer(new RenewerHost(), clock);
        this.fallback = new LocalFallback(this);
        this.health = client.newHealth(name);
        this.queue = new WaiterQueue(name, clock, new QueueHost());
        this.tickets = new FairTickets(FairTickets.port(client.store(), name), clock, queue::queuedTickets,
                queue::wakeTicket);
        this.channel = new LimitChannel(client.instanceId(),
                onMessage -> client.backend().subscribe(client.store().keySchema().channel(name), onMessage),
                queue::wakeOne, queue::wakeTicket);
        this.dispatcher = new Dispatcher(name, client.instanceId(), client.store()::exchange, FairTickets.TTL,
                new Dispatcher.Host() {
                    @Override
                    public boolean countable() {
                        return DefaultLimiter.this.countable();
                    }

                    @Override
                    public List<Dispatcher.Acquire> handOffTo(int n) {
                        return attempts.handOffTo(n);
                    }

                    @Override
                    public void learn(AcquireResult.PolicyRead policy) {
                        DefaultLimiter.this.learn(policy);
                    }
                }, clock);
        this.attempts = new Attempts(this, queue, dispatcher, recovery, renewer, fallback, health, clock);
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
    public int waitingCount() {
        return queue.size();
    }

    @Override
    public String name() {
        return key != null ? LimitKeys.familyOf(name) : name;
    }

    @Override
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    @Override
    public DistributedLimiter forKey(String key) {
        if (this.key != null) {
            throw new LimiterValidationException("key", key, "be given once: " + this + " is already a key");
        }
        return client.keyLimiter(name, key);
    }

    /** Whether nothing is held, waiting or in flight here: a key's limiter may then be dropped. */
    boolean idle() {
        return renewer.size() == 0 && queue.size() == 0 && dispatcher.idle();
    }

    /** A key's limiter dropped while idle: its subscription is closed (a later use subscribes again). */
    void detach() {
        channel.close();
    }

    DefaultLimiterClient client() {
        return client;
    }

    @Override
    public Permit acquire(int weight, Duration timeout) {
        return Futures.await(start(weight, timeout, false), "a permit of limit " + LimitKeys.describe(name),
                Permit::releaseAsync);
    }

    @Override
    public Optional<Permit> tryAcquire(int weight) {
        try {
            return Optional.of(Futures.await(start(weight, Duration.ZERO, true), "a permit of limit "
                    + LimitKeys.describe(name), Permit::releaseAsync));
        } catch (Attempts.NoPermitNow | LimiterTimeoutException none) {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<Permit> acquireAsync(int weight, Duration timeout) {
        return Futures.completeOn(start(weight, timeout, false), client.callbacks(), Permit::releaseAsync);
    }

    /** Starts an acquire; {@code once} makes a single attempt that fails with {@code NoPermitNow} if denied. */
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
            attempts.degraded(w, health.lastError());
            return w.future;
        }
        if (w.singleShot) {
            try {
                attempts.single(w, client.config().connectTimeout().plus(client.config().commandTimeout())
                        .plusMillis(500));
            } catch (RejectedExecutionException closed) {
                w.future.completeExceptionally(new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED));
            }
            return w.future;
        }
        if (queue.enqueue(w)) { // queued now, in call order, even if the subscription is not up yet
            // Admits every waiter still pending, oldest first: waiters that arrived while the subscription came up
            // are never overtaken by this one.
            channel.subscription().whenComplete((s, e) -> {
                if (e == null) {
                    queue.admitPending();
                } else {
                    attempts.subscriptionFailed(e);
                }
            });
        }
        return w.future;
    }

    /**
     * Whether the limit is known to be rate-only and non-fair: then a batch's requests can go as counted groups
     * (no permit ids, leases or tickets are involved, and the script decides a group in one step).
     */
    boolean countable() {
        AcquireResult.PolicyRead p = fallback.policy();
        return !fair && p != null && p.rateOnly();
    }

    /** Learns the policy from a reply (also one that carried no per-request result for it). */
    void learn(AcquireResult.PolicyRead policy) {
        if (policy != null) {
            fallback.learn(policy);
            fair = policy.fair();
            policyKnown = policy.policy().isPresent();
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
        queue.close();
        channel.close();
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

    @Override
    public String toString() {
        return key != null ? "DistributedLimiter{" + name() + ", key " + key + "}" : "DistributedLimiter{" + name + "}";
    }

    /** The queue's attempts go through {@link Attempts}; its ticket events to {@link FairTickets}. */
    private final class QueueHost implements WaiterQueue.Host {
        @Override
        public boolean offer(Waiter w) {
            return attempts.offer(w);
        }

        @Override
        public void send() {
            attempts.send();
        }

        @Override
        public void attempt(Waiter w) {
            attempts.attempt(w);
        }

        @Override
        public boolean fair() {
            return fair || !policyKnown;
        }

        @Override
        public void ticketQueued() {
            tickets.start();
        }

        @Override
        public void ticketLeft(String ticket) {
            tickets.leave(ticket);
        }

        @Override
        public void timedOut(Waiter w) {
            client.listeners().fire(l -> l.onTimeout(DefaultLimiter.this, w.weight, w.timeout));
        }
    }

    private final class RenewerHost implements LeaseRenewer.Host {
        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletableFuture<RenewResult> renew(List<RenewRequest> permits) {
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
    }
}
