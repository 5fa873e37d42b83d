package io.limiter.testing;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster of {@code redis-server} processes on loopback ports, built the way an operator would:
 * cluster-mode nodes (each with its own free bus port, see {@link RedisProcess#startWithConfig}), slots split evenly
 * over the masters ({@code CLUSTER ADDSLOTSRANGE}), {@code CLUSTER MEET},
 * then {@code CLUSTER REPLICATE}. Nodes fail over fast (node timeout 2 s, replicas always eligible). Use
 * try-with-resources.
 */
public final class LocalRedisCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalRedisCluster.class);
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

    private static final int CONNECT_ATTEMPTS = 3;

    private final List<RedisProcess> nodes = new ArrayList<>();
    /**
     * The admin client that forms and inspects the cluster, on Netty's pooled allocator: a rare
     * {@code IndexOutOfBoundsException} inside Netty 4.2's default adaptive allocator while decoding the handshake
     * reply made a formation fail with "Unable to connect" (netty/netty#15631, #16139). Test support only.
     */
    private final ClientResources resources = ClientResources.builder().nettyCustomizer(new NettyCustomizer() {
        @Override
        public void afterBootstrapInitialized(Bootstrap bootstrap) {
            bootstrap.option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        }
    }).build();
    private final RedisClient admin = RedisClient.create(resources);
    /** One connection per node port, reused by every step and poll (a formation used to open hundreds). */
    private final Map<Integer, StatefulRedisConnection<String, String>> connections = new ConcurrentHashMap<>();

    private LocalRedisCluster() {
    }

    /** Starts {@code masters} masters with {@code replicasPerMaster} replicas each and waits until all agree. */
    public static LocalRedisCluster start(int masters, int replicasPerMaster) {
        LocalRedisCluster c = new LocalRedisCluster();
        try {
            c.form(masters, replicasPerMaster);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void form(int masters, int replicasPerMaster) {
        long started = System.nanoTime();
        int total = masters * (1 + replicasPerMaster);
        for (int i = 0; i < total; i++) {
            nodes.add(RedisProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000", "--cluster-replica-validity-factor", "0",
                    "--repl-diskless-sync-delay", "0"));
        }
        List<String> ids = new ArrayList<>();
        for (RedisProcess n : nodes) {
            ids.add(run(n, RedisCommands::clusterMyId));
        }
        int per = SlotHash.SLOT_COUNT / masters;
        for (int m = 0; m < masters; m++) {
            int from = m * per;
            int to = m == masters - 1 ? SlotHash.SLOT_COUNT - 1 : from + per - 1;
            run(nodes.get(m), r -> r.clusterAddSlotsRange(Range.create(from, to)));
        }
        // Every node meets every other directly, so nobody waits for gossip to spread the news.
        for (int i = 1; i < total; i++) {
            for (int j = 0; j < i; j++) {
                RedisProcess other = nodes.get(j);
                run(nodes.get(i), r -> r.dispatch(CommandType.CLUSTER, new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("MEET").add("127.0.0.1").add(other.port())
                                .add(other.clusterBusPort())));
            }
        }
        await("every node to know all " + total + " nodes", () -> nodes.stream()
                .allMatch(n -> partitions(n).size() == total));
        for (int i = masters; i < total; i++) {
            String master = ids.get((i - masters) % masters);
            run(nodes.get(i), r -> r.clusterReplicate(master));
        }
        awaitHealthy();
        log.info("Redis Cluster of {} masters and {} replicas ready in {} ms: {}", masters, total - masters,
                (System.nanoTime() - started) / 1_000_000, uri());
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok}, agrees on one master per slot range, and
     * every replica's link to its master is up (so a killed master has a replica ready to take over).
     */
    public void awaitHealthy() {
        await("the cluster to be healthy", () -> {
            for (RedisProcess n : running()) {
                if (!run(n, RedisCommands::clusterInfo).contains("cluster_state:ok")) {
                    return false;
                }
                String replication = run(n, r -> r.info("replication"));
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                    return false;
                }
            }
            // Every running node agrees on the masters.
            String view = null;
            for (RedisProcess n : running()) {
                String mine = masterPorts(partitions(n)).toString();
                if (view != null && !view.equals(mine)) {
                    return false;
                }
                view = mine;
            }
            return true;
        });
    }

    /** {@code redis-cluster://} URI listing every node as a seed. */
    public String uri() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    public List<RedisProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** The running node that is master for {@code key}'s slot now, as seen by a running node. */
    public RedisProcess masterOf(String key) {
        RedisClusterNode node = partitions(running().get(0)).getMasterBySlot(SlotHash.getSlot(key));
        if (node == null) {
            throw new IllegalStateException("no master serves the slot of " + key);
        }
        return byPort(node.getUri().getPort());
    }

    /** The running masters. */
    public List<RedisProcess> masters() {
        List<Integer> ports = masterPorts(partitions(running().get(0)));
        return ports.stream().map(this::byPort).filter(RedisProcess::isRunning).toList();
    }

    @Override
    public void close() {
        connections.values().forEach(StatefulRedisConnection::closeAsync);
        admin.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
        nodes.forEach(RedisProcess::close);
    }

    private List<RedisProcess> running() {
        return nodes.stream().filter(RedisProcess::isRunning).toList();
    }

    private RedisProcess byPort(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node on port " + port));
    }

    private static List<Integer> masterPorts(Partitions p) {
        return p.getPartitions().stream()
                .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty()
                        && !n.is(RedisClusterNode.NodeFlag.FAIL))
                .map(n -> n.getUri().getPort()).sorted().toList();
    }

    private Partitions partitions(RedisProcess n) {
        return ClusterPartitionParser.parse((String) run(n, r -> r.clusterNodes()));
    }

    private <T> T run(RedisProcess node, Function<RedisCommands<String, String>, T> f) {
        StatefulRedisConnection<String, String> c = connection(node.port());
        try {
            return f.apply(c.sync());
        } catch (RuntimeException e) {
            // A node that was killed or restarted gets a fresh connection next time.
            connections.remove(node.port(), c);
            c.closeAsync();
            throw e;
        }
    }

    private StatefulRedisConnection<String, String> connection(int port) {
        StatefulRedisConnection<String, String> c = connections.get(port);
        if (c != null && c.isOpen()) {
            return c;
        }
        RedisURI uri = RedisURI.create("redis://127.0.0.1:" + port);
        uri.setTimeout(Duration.ofSeconds(5));
        for (int attempt = 1; ; attempt++) {
            try {
                StatefulRedisConnection<String, String> fresh = admin.connect(uri);
                connections.put(port, fresh);
                return fresh;
            } catch (RedisConnectionException e) {
                if (attempt == CONNECT_ATTEMPTS) {
                    throw e;
                }
                log.info("connecting to cluster node 127.0.0.1:{} failed ({}); trying again", port, e.toString());
            }
        }
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await(what).atMost(FORM_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(condition);
    }
}
