package io.limiter.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master, one replica and three sentinels (quorum 2), all {@code redis-server} processes on loopback ports.
 * A master that stops answering is declared down after 1 s, so a failover completes within a few seconds. Use
 * try-with-resources.
 */
public final class LocalRedisSentinel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalRedisSentinel.class);
    /** The name the sentinels monitor the master by. */
    public static final String MASTER_NAME = "limiter";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisProcess> servers = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();

    private LocalRedisSentinel() {
    }

    public static LocalRedisSentinel start() {
        LocalRedisSentinel s = new LocalRedisSentinel();
        try {
            s.form();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void form() {
        RedisProcess master = RedisProcess.start("--repl-diskless-sync-delay", "0");
        servers.add(master);
        servers.add(RedisProcess.start("--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1",
                Integer.toString(master.port())));
        await("the replica to sync", () -> info(servers.get(1), "replication").contains("master_link_status:up"));
        String config = "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2\n"
                + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
                + "sentinel failover-timeout " + MASTER_NAME + " 5000\n"
                + "sentinel parallel-syncs " + MASTER_NAME + " 1\n";
        for (int i = 0; i < 3; i++) {
            sentinels.add(RedisProcess.startWithConfig(config, "--sentinel"));
        }
        await("the sentinels to see each other and the replica", () -> sentinels.stream().allMatch(s -> {
            String m = info(s, "sentinel");
            return m.contains("status=ok") && m.contains("slaves=1") && m.contains("sentinels=3");
        }));
        log.info("Redis Sentinel ready: {}", uri());
    }

    /** {@code redis-sentinel://} URI listing the three sentinels and the master name. */
    public String uri() {
        return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port())
                .collect(Collectors.joining(",")) + "#" + MASTER_NAME;
    }

    /** The server that is master now (by its own {@code INFO replication}). */
    public RedisProcess master() {
        return servers.stream().filter(RedisProcess::isRunning)
                .filter(s -> info(s, "replication").contains("role:master")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no running master"));
    }

    /** Waits until the sentinels name a running server other than {@code old} as the master. */
    public RedisProcess awaitNewMaster(RedisProcess old) {
        await("a new master", () -> servers.stream().anyMatch(s -> s != old && s.isRunning()
                && info(s, "replication").contains("role:master")));
        return master();
    }

    @Override
    public void close() {
        sentinels.forEach(RedisProcess::close);
        servers.forEach(RedisProcess::close);
    }

    private static String info(RedisProcess p, String section) {
        return p.info(section);
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await(what).atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(condition);
    }
}
