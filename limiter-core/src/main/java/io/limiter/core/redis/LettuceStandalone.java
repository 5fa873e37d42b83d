package io.limiter.core.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One Redis server, named directly or found through Sentinel (Lettuce asks the sentinels for the master again on
 * every reconnect, so a failover is followed without help). One command connection, one pub/sub connection.
 */
final class LettuceStandalone implements LettuceTopology {
    private final RedisClient client;
    private final boolean ownsClient;
    private final LettuceBackend backend;
    private final LazyConnection<StatefulRedisConnection<String, String>> commands;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubsub;
    private final RedisConnectionStateListener reconnects;

    LettuceStandalone(RedisClient client, RedisURI uri, boolean ownsClient, LettuceBackend backend) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.backend = backend;
        this.pubsub = new LazyConnection<>(() -> client.connectPubSubAsync(StringCodec.UTF8, uri)
                .toCompletableFuture().thenApply(this::listen));
        // The pub/sub connection opens once the first command connection is up (a failed open is retried by the
        // first subscription; a refused command connection, e.g. a wrong password, is not tried twice): a limit's
        // first waiters queue until its channel is subscribed, and opening a connection then took seconds on a cold
        // client of a loaded machine, where one SUBSCRIBE takes milliseconds.
        this.commands = new LazyConnection<>(() -> client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture()
                .whenComplete((c, e) -> {
                    if (e == null) {
                        pubsub.get();
                    }
                }));
        this.reconnects = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                StatefulRedisPubSubConnection<String, String> c = pubsub.ifOpen();
                if (c != null && c == connection) {
                    resubscribe(c);
                }
            }
        };
        client.addListener(reconnects);
    }

    @Override
    public CompletableFuture<RedisClusterAsyncCommands<String, String>> commands() {
        return commands.get().thenApply(StatefulRedisConnection::async);
    }

    @Override
    public Script variant(Script script) {
        return script;
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return pubsub.get().thenCompose(c -> c.async().subscribe(channel).toCompletableFuture());
    }

    @Override
    public void close() {
        client.removeListener(reconnects);
        // An owned client closes its connections itself when it shuts down.
        commands.close(!ownsClient);
        pubsub.close(!ownsClient);
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private StatefulRedisPubSubConnection<String, String> listen(StatefulRedisPubSubConnection<String, String> c) {
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                backend.deliver(channel, message);
            }
        });
        // Channels subscribed before a failed connect are subscribed again on the new connection.
        if (!backend.channels().isEmpty()) {
            c.async().subscribe(backend.channels().toArray(new String[0]));
        }
        return c;
    }

    /**
     * After a reconnect: subscribe again (Lettuce does too; idempotent) and tell listeners they may have missed
     * messages.
     */
    private void resubscribe(StatefulRedisPubSubConnection<String, String> c) {
        String[] channels = backend.channels().toArray(new String[0]);
        if (channels.length == 0) {
            return;
        }
        c.async().subscribe(channels).thenRun(() -> {
            for (String channel : channels) {
                backend.deliver(channel, "");
            }
        });
    }
}
