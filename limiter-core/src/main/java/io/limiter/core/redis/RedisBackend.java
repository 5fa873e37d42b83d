package io.limiter.core.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The narrow port between the limiter and a Redis client library: run a script, listen on a channel.
 * Implementations are thread-safe and never block in these methods.
 *
 * <p>Failures surface as futures completed with {@link io.limiter.core.LimiterUnavailableException} (Redis
 * unreachable, timed out) or a plain {@link io.limiter.core.LimiterException} (Redis rejected the command; its
 * message without script hashes or line numbers), except that a key of the wrong type of a limit's keys is a
 * {@link io.limiter.core.CorruptLimitException} for that limit.
 */
public interface RedisBackend extends AutoCloseable {

    /**
     * Runs {@code script} with {@code EVALSHA}, falling back to {@code EVAL} when Redis answers
     * {@code NOSCRIPT} (after a {@code SCRIPT FLUSH} or a restart), so a flushed script cache never breaks a
     * caller.
     *
     * @return the reply: nested {@link List}s of {@link Long} and {@link String} (Lua tables, integers and
     *         strings), {@code null} for a Lua {@code false}
     */
    CompletableFuture<Object> eval(Script script, List<String> keys, List<String> args);

    /**
     * Delivers every message published on {@code channel} to {@code listener} (on a backend thread: keep it
     * short and non-blocking) until the returned subscription is closed. The subscription survives
     * reconnects (and, on a cluster, the channel's slot moving to another master); a backend that can tell it may
     * have missed messages meanwhile delivers an empty message then, so the listener looks again. The future
     * completes once Redis confirmed the subscription.
     */
    CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener);

    /**
     * Every key matching the glob {@code pattern} ({@code SCAN}, never {@code KEYS}), across every node the
     * backend talks to. Not atomic: keys created or deleted during the scan may or may not be listed.
     */
    CompletableFuture<List<String>> scan(String pattern);

    /** Releases connections and threads the backend owns (not those it was given). Idempotent. */
    @Override
    void close();

    /** A live subscription; closing it stops delivery to its listener. Idempotent. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
