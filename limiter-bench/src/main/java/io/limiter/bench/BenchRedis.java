package io.limiter.bench;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.HashMap;
import java.util.Map;

/** The Redis under test: a given URI, or a redis-server process of our own (PATH, else the embedded binary). */
final class BenchRedis implements AutoCloseable {
    final String uri;
    final String description;
    private final RedisServerProcess process;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    final RedisCommands<String, String> sync;

    private BenchRedis(String uri, String description, RedisServerProcess process) {
        this.uri = uri;
        this.description = description;
        this.process = process;
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.sync = connection.sync();
    }

    static BenchRedis start(String uri) throws Exception {
        if (uri != null) {
            return new BenchRedis(uri, "given Redis " + uri, null);
        }
        RedisServerProcess p = RedisServerProcess.start(false);
        return new BenchRedis(p.uri(), "own redis-server (" + p.binary + ") on " + p.uri(), p);
    }

    String version() {
        return versionIn(sync.info("server"));
    }

    /** The {@code redis_version} of an {@code INFO server} reply, or "?". */
    static String versionIn(String infoServer) {
        for (String line : infoServer.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).trim();
            }
        }
        return "?";
    }

    /** calls per command since start, from INFO commandstats. */
    Map<String, Long> commandStats() {
        Map<String, Long> out = new HashMap<>();
        for (String line : sync.info("commandstats").split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String cmd = line.substring(8, line.indexOf(':'));
            int c = line.indexOf("calls=");
            int end = line.indexOf(',', c);
            out.put(cmd, Long.parseLong(line.substring(c + 6, end)));
        }
        return out;
    }

    /** {@code used_memory} of INFO memory: bytes the allocator holds for data, scripts and buffers. */
    long usedMemory() {
        for (String line : sync.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory");
    }

    long dbSize() {
        return sync.dbsize();
    }

    /** Deletes every key matching the glob {@code pattern} (SCAN + DEL, freed at once); returns how many. */
    long deleteMatching(String pattern) {
        long deleted = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = sync.scan(cursor, ScanArgs.Builder.matches(pattern).limit(5000));
            if (!page.getKeys().isEmpty()) {
                deleted += sync.del(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        if (process != null) {
            process.close();
        }
    }
}
