package io.limiter.core.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.limiter.core.LimiterUnavailableException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Cluster: Lettuce's cluster client routes each script by its first key's slot (every key of a limit shares
 * one hash tag) and keeps the topology fresh (periodically and on reconnects, redirects and uncovered slots).
 *
 * <p>Release notifications use sharded pub/sub: each channel is {@code SSUBSCRIBE}d on the master that owns its
 * slot. Lettuce does not move shard subscriptions when a slot moves (failover, resharding), so this class keeps
 * them homed itself: every second, and whenever a node connection comes back, each channel whose owner changed or
 * whose connection dropped is subscribed again at its current owner and its listeners get an empty message
 * (notifications may have been missed).
 */
final class LettuceCluster implements LettuceTopology {
    private static final Logger log = LoggerFactory.getLogger(LettuceCluster.class);
    static final Duration HOMING_PERIOD = Duration.ofSeconds(1);

    private final RedisClusterClient client;
    private final LettuceBackend backend;
    private final LazyConnection<StatefulRedisClusterConnection<String, String>> commands;
    private final LazyConnection<StatefulRedisClusterPubSubConnection<String, String>> pubsub;
    /** Where each channel is subscribed. */
    private final Map<String, Home> homes = new ConcurrentHashMap<>();
    private final Set<StatefulRedisPubSubConnection<String, String>> listened = ConcurrentHashMap.newKeySet();
    private final RedisConnectionStateListener reconnects;
    private final Future<?> homing;

    LettuceCluster(RedisClusterClient client, LettuceBackend backend) {
        this.client = client;
        this.backend = backend;
        // Lettuce connects asynchronously only once it knows the topology, so load that first.
        // The pub/sub connection and its node connection to every master open right after the first command
        // connection (see preconnect), not on the first subscription.
        this.commands = new LazyConnection<>(() -> client.refreshPartitionsAsync().toCompletableFuture()
                .thenCompose(loaded -> client.connectAsync(StringCodec.UTF8))
                .whenComplete((c, e) -> {
                    if (e == null) {
                        preconnect();
                    }
                }));
        this.pubsub = new LazyConnection<>(() -> client.refreshPartitionsAsync().toCompletableFuture()
                .thenCompose(loaded -> client.connectPubSubAsync(StringCodec.UTF8)));
        this.reconnects = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                homes.forEach((channel, home) -> {
                    if (home.connection.getNow(null) == connection) {
                        home(channel, true);
                    }
                });
            }
        };
        client.addListener(reconnects);
        this.homing = client.getResources().eventExecutorGroup().scheduleAtFixedRate(this::rehome,
                HOMING_PERIOD.toMillis(), HOMING_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<RedisClusterAsyncCommands<String, String>> commands() {
        return commands.get().thenApply(StatefulRedisClusterConnection::async);
    }

    @Override
    public Script variant(Script script) {
        return script.sharded();
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return pubsub.get().thenCompose(ignored -> home(channel, false).subscribed).thenApply(c -> null);
    }

    @Override
    public void close() {
        homing.cancel(false);
        client.removeListener(reconnects);
        // Closed before the client shuts down, so the cluster connections close their node connections once.
        try {
            CompletableFuture.allOf(commands.close(true), pubsub.close(true)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("closing Redis Cluster connections", e);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /**
     * Opens the pub/sub connection and its node connection to every master, listening there. A limit's first
     * waiters queue until its channel is subscribed; opening these connections then (a topology load, a connection,
     * then one to the owning master) took seconds on a cold client of a loaded machine, a subscription over open
     * connections is one {@code SSUBSCRIBE}. Failures are left to the first subscription, which opens them again.
     */
    private void preconnect() {
        pubsub.get().thenAccept(ps -> {
            for (RedisClusterNode node : ps.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    RedisURI at = node.getUri();
                    ps.getConnectionAsync(at.getHost(), at.getPort()).thenAccept(this::listen);
                }
            }
        });
    }

    private void rehome() {
        try {
            if (pubsub.ifOpen() == null) {
                return;
            }
            int moved = 0;
            for (String channel : backend.channels()) {
                moved += home(channel, false).moved ? 1 : 0;
            }
            if (moved > 0) {
                log.info("{} Redis Cluster channel(s) moved to a new master; subscribed there again", moved);
            }
        } catch (RuntimeException e) {
            log.warn("could not check where Redis Cluster channels are subscribed", e);
        }
    }

    /**
     * Makes sure {@code channel} is subscribed at the master that owns its slot now; {@code force} subscribes
     * again even where it is subscribed already (after that connection reconnected).
     */
    private Homing home(String channel, boolean force) {
        StatefulRedisClusterPubSubConnection<String, String> ps = pubsub.ifOpen();
        if (ps == null) {
            return new Homing(CompletableFuture.failedFuture(new LimiterUnavailableException("the Redis Cluster "
                    + "pub/sub connection is not open", null)), false);
        }
        RedisClusterNode owner = ps.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
        if (owner == null) {
            return new Homing(CompletableFuture.failedFuture(new LimiterUnavailableException("no Redis Cluster "
                    + "master serves slot " + SlotHash.getSlot(channel) + " now", null)), false);
        }
        Home[] replaced = new Home[1];
        Home home = homes.compute(channel, (ch, current) -> {
            if (!force && current != null && current.serves(owner)) {
                return current;
            }
            replaced[0] = current;
            return new Home(owner.getNodeId(), subscribeAt(ps, owner, ch));
        });
        Home old = replaced[0];
        boolean moved = old != null && !old.nodeId.equals(home.nodeId);
        if (old != null) {
            home.connection.thenRun(() -> backend.deliver(channel, ""));
        }
        if (moved) {
            log.debug("Redis Cluster channel {} moved to {}", channel, owner.getUri());
            old.connection.thenAccept(c -> {
                if (c.isOpen()) {
                    c.async().sunsubscribe(channel);
                }
            });
        }
        return new Homing(home.connection, moved);
    }

    /** The outcome of {@link #home}: the subscription, and whether the channel changed masters. */
    private record Homing(CompletableFuture<StatefulRedisPubSubConnection<String, String>> subscribed,
            boolean moved) {
    }

    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> subscribeAt(
            StatefulRedisClusterPubSubConnection<String, String> ps, RedisClusterNode owner, String channel) {
        RedisURI at = owner.getUri();
        return ps.getConnectionAsync(at.getHost(), at.getPort())
                .thenCompose(c -> {
                    listen(c);
                    return c.async().ssubscribe(channel).toCompletableFuture().thenApply(v -> c);
                });
    }

    private void listen(StatefulRedisPubSubConnection<String, String> c) {
        if (listened.add(c)) {
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String channel, String message) {
                    backend.deliver(channel, message);
                }
            });
        }
    }

    /** A channel's subscription: at which master, over which node connection (once subscribed). */
    private record Home(String nodeId, CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection) {
        boolean serves(RedisClusterNode owner) {
            if (!nodeId.equals(owner.getNodeId())) {
                return false;
            }
            if (!connection.isDone()) {
                return true; // subscribing there right now
            }
            StatefulRedisPubSubConnection<String, String> c = connection.isCompletedExceptionally()
                    ? null : connection.join();
            return c != null && c.isOpen();
        }
    }
}
