package io.limiter.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} child process of the benchmark on free loopback ports ({@code PATH}, else the embedded
 * binary), nothing saved to disk; stopped on {@link #close()} and by a JVM shutdown hook. A cluster node gets a free
 * bus port too ({@code --cluster-port}). A server whose port was taken between choosing and binding is started again
 * on other ports. Not thread-safe.
 */
final class RedisServerProcess implements AutoCloseable {
    private static final int START_ATTEMPTS = 5;

    final String binary;
    final int port;
    final int busPort;
    private final Process process;

    private RedisServerProcess(String binary, int port, int busPort, Process process) {
        this.binary = binary;
        this.port = port;
        this.busPort = busPort;
        this.process = process;
    }

    /** Starts a server; with {@code clusterNode} it runs in cluster mode with its own bus port. Blocks until up. */
    static RedisServerProcess start(boolean clusterNode) throws Exception {
        String binary = binary();
        for (int attempt = 1; ; attempt++) {
            int[] ports = freePorts(clusterNode ? 2 : 1);
            Path dir = Files.createTempDirectory("limiter-bench-redis");
            List<String> cmd = new ArrayList<>(List.of(binary, "--port", Integer.toString(ports[0]), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            if (clusterNode) {
                cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000", "--cluster-port", Integer.toString(ports[1])));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "stop-redis-" + ports[0]));
            if (awaitUp(p, ports[0])) {
                return new RedisServerProcess(binary, ports[0], clusterNode ? ports[1] : 0, p);
            }
            String log = Files.readString(dir.resolve("redis.log"));
            p.destroyForcibly();
            if (!log.contains("Address already in use") || attempt == START_ATTEMPTS) {
                throw new IllegalStateException("redis-server did not start: " + log);
            }
        }
    }

    private static boolean awaitUp(Process p, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                // Another process may hold the port and ours exit a moment later: give it that moment.
                Thread.sleep(50);
                return p.isAlive();
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
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

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
