package io.limiter.client.internal;

import io.limiter.core.redis.RedisBackend;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One limit's pub/sub channel: subscribes on first use (again after a failed attempt) and routes each notification.
 * {@code w|owner|ticket} wakes exactly the waiter holding that ticket, if {@code owner} is this instance (fair
 * limits); anything else (freed weight, a policy change, or the backend's empty "messages may have been missed"
 * signal after a reconnect) wakes one local waiter. Thread-safe.
 */
final class LimitChannel {
    private final String instanceId;
    private final Function<Consumer<String>, CompletableFuture<RedisBackend.Subscription>> subscribe;
    private final Runnable wakeOne;
    private final Consumer<String> wakeTicket;
    // Guarded by "this".
    private CompletableFuture<RedisBackend.Subscription> subscription;

    /** @param subscribe subscribes the limit's channel with a message listener */
    LimitChannel(String instanceId, Function<Consumer<String>, CompletableFuture<RedisBackend.Subscription>> subscribe,
            Runnable wakeOne, Consumer<String> wakeTicket) {
        this.instanceId = instanceId;
        this.subscribe = subscribe;
        this.wakeOne = wakeOne;
        this.wakeTicket = wakeTicket;
    }

    /** The subscription: the current one, or a new one if there was none or it failed. */
    synchronized CompletableFuture<RedisBackend.Subscription> subscription() {
        if (subscription == null || subscription.isCompletedExceptionally()) {
            subscription = subscribe.apply(this::onMessage);
        }
        return subscription;
    }

    void onMessage(String message) {
        if (message.startsWith("w|")) {
            int last = message.lastIndexOf('|');
            String owner = message.substring(2, last);
            if (owner.equals(instanceId)) {
                wakeTicket.accept(message.substring(last + 1));
            }
            return;
        }
        wakeOne.run();
    }

    /** Client closing: the subscription (once up) is closed. */
    synchronized void close() {
        if (subscription != null) {
            subscription.thenAccept(RedisBackend.Subscription::close);
            subscription = null;
        }
    }
}
