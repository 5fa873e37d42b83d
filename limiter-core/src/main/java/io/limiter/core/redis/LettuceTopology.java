package io.limiter.core.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/** How {@link LettuceBackend} reaches Redis: one server (standalone or found via Sentinel) or a cluster. */
interface LettuceTopology {

    /** The shared command interface, connecting on first use. */
    CompletableFuture<RedisClusterAsyncCommands<String, String>> commands();

    /** The form of {@code script} this topology runs (sharded notifications on a cluster). */
    Script variant(Script script);

    /** Subscribes {@code channel} (idempotent); messages go to the backend's listeners. */
    CompletableFuture<Void> subscribe(String channel);

    /** Closes connections and the client, if owned. */
    void close();
}
