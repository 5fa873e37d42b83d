package io.limiter.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Redis under test: a given URI, or a redis-server process of our own (PATH, else the embedded binary). */
final class BenchRedis implements AutoCloseable {
    final String uri;
    final String description;
    private final Process process;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    final RedisCommands<String, String> sync;

    private BenchRedis(String uri, String description, Process process) {
        this.uri = uri;
        this.description = description;
        this.process = process;
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.sync = connection.sync();
    }

    static BenchRedis start(String uri) throws Exception {
        if (uri != null) {
            BenchRedis r = new BenchRedis(uri, "given Redis " + uri, null);
            return r;
        }
        String binary = binary();
        int port;
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("limiter-bench-redis");
        Process p = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        String u = "redis://127.0.0.1:" + port;
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IllegalStateException("redis-server did not start: " + Files.readString(
                            dir.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        return new BenchRedis(u, "own redis-server (" + binary + ") on " + u, p);
    }

    private static String binary() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return redis.embedded.RedisExecProvider.defaultProvider().get().getAbsolutePath();
    }

    String version() {
        for (String line : sync.info("server").split("\r?\n")) {
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

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        if (process != null) {
            process.destroy();
        }
    }
}
