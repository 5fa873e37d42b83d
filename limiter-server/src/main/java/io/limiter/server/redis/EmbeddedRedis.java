package io.limiter.server.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisExecProvider;

/**
 * Development mode's Redis: the Redis 7 binary shipped in {@code org.signal:embedded-redis}, as a child process
 * that stops only when the server has stopped what uses it. It runs in its own session ({@code setsid}, where
 * available), so a Ctrl-C in the terminal reaches the server, not Redis; the server then stops its demo workers
 * and connections first and Redis last. A JVM shutdown hook stops Redis if the server never gets that far.
 */
final class EmbeddedRedis implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    /** How long the shutdown hook lets an orderly stop finish before it stops Redis itself. */
    private static final Duration ORDERLY_STOP_WAIT = Duration.ofSeconds(15);

    private final Process process;
    private final Path dir;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EmbeddedRedis(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (!stopped.await(ORDERLY_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    close();
                }
            } catch (InterruptedException e) {
                close();
            }
        }, "embedded-redis-guard"));
    }

    /** Starts Redis on {@code port} of 127.0.0.1 and returns once it answers {@code PING}. */
    static EmbeddedRedis start(int port) throws IOException {
        File binary = RedisExecProvider.defaultProvider().get();
        Path dir = Files.createTempDirectory("limiter-embedded-redis");
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString());
        }
        cmd.addAll(List.of(binary.getAbsolutePath(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        EmbeddedRedis redis = new EmbeddedRedis(p, dir);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                redis.stopped.countDown();
                throw new IOException("redis-server exited with " + p.exitValue() + ": "
                        + Files.readString(dir.resolve("redis.log")).strip());
            }
            if (pong(port)) {
                return redis;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                redis.close();
                throw new IOException("interrupted while starting redis-server", e);
            }
        }
        redis.close();
        throw new IOException("redis-server did not answer on port " + port + " within " + READY_TIMEOUT);
    }

    private static boolean pong(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(5);
            return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Stops Redis (SIGTERM, then SIGKILL after 5 s). Idempotent. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind
            }
        }
    }
}
