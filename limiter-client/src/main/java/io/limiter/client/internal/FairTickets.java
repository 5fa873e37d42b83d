package io.limiter.client.internal;

import io.limiter.core.internal.redis.KeepAliveResult;
import io.limiter.core.internal.redis.LimitStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps a fair limit's waiting tickets of this process alive in Redis: while any ticket waits, one batched keep-alive
 * every third of {@link #TTL}. A ticket Redis dropped (e.g. a restart) and a ticket at the head of the queue while
 * there is room (a missed notification) are woken, so they ask again. Thread-safe.
 */
final class FairTickets {
    /** How long a fair limit keeps a waiting ticket without a keep-alive. */
    static final Duration TTL = Duration.ofSeconds(10);

    /** The Redis calls for one limit's tickets. */
    interface Port {
        CompletableFuture<KeepAliveResult> keepAlive(Duration ttl, Collection<String> tickets);

        CompletableFuture<Boolean> leave(String ticket);
    }

    /** The real port: limit {@code name}'s tickets in {@code store}. */
    static Port port(LimitStore store, String name) {
        return new Port() {
            @Override
            public CompletableFuture<KeepAliveResult> keepAlive(Duration ttl, Collection<String> tickets) {
                return store.keepAlive(name, ttl, tickets);
            }

            @Override
            public CompletableFuture<Boolean> leave(String ticket) {
                return store.leave(name, ticket);
            }
        };
    }

    private final Port port;
    private final Clock clock;
    private final Supplier<List<String>> queued;
    private final Consumer<String> wake;
    // Guarded by "this".
    private Clock.Cancellable keepAlive;

    /**
     * @param queued the tickets waiting now (read at each tick)
     * @param wake wakes the waiter holding a ticket, so it asks again
     */
    FairTickets(Port port, Clock clock, Supplier<List<String>> queued, Consumer<String> wake) {
        this.port = port;
        this.clock = clock;
        this.queued = queued;
        this.wake = wake;
    }

    /** A ticket waits now: keep-alives run (from one period on) until none waits; does nothing if they run. */
    synchronized void start() {
        if (keepAlive != null) {
            return;
        }
        try {
            keepAlive = clock.schedule(this::tick, TimeUnit.MILLISECONDS.toNanos(TTL.toMillis() / 3));
        } catch (RejectedExecutionException closed) {
            keepAlive = null;
        }
    }

    /** A waiter gave up: its ticket leaves the queue, so the next one (maybe another instance's) is woken. */
    void leave(String ticket) {
        port.leave(ticket).exceptionally(e -> false);
    }

    private void tick() {
        synchronized (this) {
            keepAlive = null;
        }
        List<String> tickets = queued.get();
        if (tickets.isEmpty()) {
            return;
        }
        start();
        port.keepAlive(TTL, tickets).whenComplete((k, e) -> {
            if (e == null) {
                for (String t : k.lost()) {
                    wake.accept(t); // dropped (e.g. a Redis restart): ask again to queue again
                }
                // Our ticket is first and there is room, yet no notification got through (a missed message): the
                // head asks now, so a lost wake-up costs at most one keep-alive period.
                k.headIfRoom().filter(tickets::contains).ifPresent(wake);
            }
        });
    }
}
