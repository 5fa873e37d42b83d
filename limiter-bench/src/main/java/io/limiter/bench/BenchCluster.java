package io.limiter.bench;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A local Redis Cluster of masters only (no replicas), on loopback ports, formed the way the tests' cluster support
 * does: slots split evenly ({@code CLUSTER ADDSLOTSRANGE}), every node meets every other directly, then wait until
 * every node reports {@code cluster_state:ok}. Stopped on {@link #close()} and by JVM shutdown hooks.
 */
final class BenchCluster implements AutoCloseable {
    private final List<RedisServerProcess> nodes = new ArrayList<>();
    private String version = "?";

    private BenchCluster() {
    }

    /** Starts {@code masters} nodes and forms the cluster; blocks until it is healthy (at most 30 s). */
    static BenchCluster start(int masters) throws Exception {
        BenchCluster c = new BenchCluster();
        try {
            c.form(masters);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void form(int masters) throws Exception {
        for (int i = 0; i < masters; i++) {
            nodes.add(RedisServerProcess.start(true));
        }
        RedisClient admin = RedisClient.create();
        List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
        try {
            for (RedisServerProcess n : nodes) {
                connections.add(admin.connect(RedisURI.create(n.uri())));
            }
            int per = SlotHash.SLOT_COUNT / masters;
            for (int m = 0; m < masters; m++) {
                int from = m * per;
                int to = m == masters - 1 ? SlotHash.SLOT_COUNT - 1 : from + per - 1;
                connections.get(m).sync().clusterAddSlotsRange(Range.create(from, to));
            }
            for (int i = 1; i < masters; i++) {
                for (int j = 0; j < i; j++) {
                    RedisServerProcess other = nodes.get(j);
                    connections.get(i).sync().dispatch(CommandType.CLUSTER, new StatusOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8).add("MEET").add("127.0.0.1").add(other.port)
                                    .add(other.busPort));
                }
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!healthy(connections, masters)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the local Redis Cluster did not become healthy in 30 s: " + uri());
                }
                Thread.sleep(100);
            }
            version = BenchRedis.versionIn(connections.get(0).sync().info("server"));
        } finally {
            connections.forEach(StatefulRedisConnection::close);
            admin.shutdown();
        }
    }

    private static boolean healthy(List<StatefulRedisConnection<String, String>> connections, int masters) {
        for (StatefulRedisConnection<String, String> c : connections) {
            RedisCommands<String, String> r = c.sync();
            String info = r.clusterInfo();
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + masters + "\r")) {
                return false;
            }
        }
        return true;
    }

    String version() {
        return version;
    }

    /** {@code redis-cluster://} URI listing every node as a seed. */
    String uri() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port).collect(Collectors.joining(","));
    }

    String description() {
        return nodes.size() + "-master Redis Cluster (" + (nodes.isEmpty() ? "?" : nodes.get(0).binary) + ") on "
                + uri();
    }

    @Override
    public void close() {
        nodes.forEach(RedisServerProcess::close);
    }
}
