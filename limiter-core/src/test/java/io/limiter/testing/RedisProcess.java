package io.limiter.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} child process this test owns, on a loopback port: {@code redis-server} from the
 * {@code PATH}, or else the Redis 7 binary shipped in {@code org.signal:embedded-redis}. Nothing is saved to
 * disk. It can be stopped and started again on the same port, to test outages and restarts. Use try-with-
 * resources; a JVM shutdown hook stops it too.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 5;

    private final String binary;
    private final int port;
    private final List<String> extraArgs;
    private final String config;
    private final Path dir;
    private Process process;

    private RedisProcess(String binary, int port, String config, List<String> extraArgs) throws IOException {
        this.binary = binary;
        this.port = port;
        this.config = config;
        this.extraArgs = List.copyOf(extraArgs);
        this.dir = Files.createTempDirectory("limiter-redis-" + port + "-");
    }

    /** Starts a server on a free loopback port; {@code extraArgs} are extra {@code redis-server} options. */
    public static RedisProcess start(String... extraArgs) {
        return startWithConfig(null, extraArgs);
    }

    /**
     * Starts a server whose configuration file holds {@code config} (written to its own folder, so the server may
     * rewrite it, as Sentinel does), then the usual options and {@code extraArgs}. A cluster node
     * ({@code --cluster-enabled yes}) gets its bus port chosen free too, instead of port + 10000.
     *
     * <p>A free port is only free until someone binds it: other test JVMs on the machine pick ports at the same
     * time, and a node's bus port may be taken by anyone before the node binds it. So a server counts as started
     * only when the process that answers on the port is this one ({@code INFO server} {@code process_id}), and a
     * server that lost its port to someone else is started again on other ports.
     */
    public static RedisProcess startWithConfig(String config, String... extraArgs) {
        String binary;
        try {
            binary = binary();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
        boolean cluster = List.of(extraArgs).contains("--cluster-enabled");
        for (int attempt = 1; ; attempt++) {
            int[] ports = freePorts(cluster ? 2 : 1);
            List<String> args = new ArrayList<>(List.of(extraArgs));
            if (cluster) {
                args.addAll(List.of("--cluster-port", Integer.toString(ports[1])));
            }
            RedisProcess p = null;
            try {
                p = new RedisProcess(binary, ports[0], config, args);
                p.startProcess();
                Runtime.getRuntime().addShutdownHook(new Thread(p::stop, "stop-redis-" + p.port));
                return p;
            } catch (PortTakenException e) {
                if (attempt == START_ATTEMPTS) {
                    throw new UncheckedIOException("cannot start redis-server after " + attempt + " attempts", e);
                }
                log.info("redis-server lost its port to another process ({}); starting it on other ports",
                        e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start redis-server", e);
            } finally {
                if (p != null && !p.isRunning()) {
                    p.deleteDir();
                }
            }
        }
    }

    /** Whether a redis-server binary can be found (PATH or embedded-redis on the classpath). */
    public static boolean available() {
        try {
            binary();
            return true;
        } catch (RuntimeException | IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The cluster bus port of a cluster node ({@code --cluster-port}), for {@code CLUSTER MEET}. */
    public int clusterBusPort() {
        int i = extraArgs.indexOf("--cluster-port");
        if (i < 0) {
            throw new IllegalStateException("redis-server on port " + port + " is not a cluster node");
        }
        return Integer.parseInt(extraArgs.get(i + 1));
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the server (SIGTERM, then SIGKILL); its data is gone. Idempotent. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the server at once (SIGKILL), as a crash or a lost machine would; its data is gone. Idempotent. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the server again on the same port, empty. */
    public synchronized void restart() {
        stop();
        try {
            startProcess();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart redis-server on port " + port, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Sends one command and returns the first reply line, e.g. {@code +OK}. */
    public String command(String... args) {
        return call(args, RedisProcess::readLine);
    }

    /** {@code INFO section}: the whole reply text. */
    public String info(String section) {
        return call(new String[] {"INFO", section}, in -> {
            String header = readLine(in);
            if (header.isEmpty() || header.charAt(0) != '$') {
                throw new IOException("unexpected reply to INFO: " + header);
            }
            return new String(in.readNBytes(Integer.parseInt(header.substring(1))), StandardCharsets.UTF_8);
        });
    }

    /** Reads a reply from the stream of a fresh connection. */
    private interface ReplyReader<T> {
        T read(InputStream in) throws IOException;
    }

    /** Sends {@code args} as one RESP command on a fresh connection and reads the reply with {@code reader}. */
    private <T> T call(String[] args, ReplyReader<T> reader) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                cmd.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reader.read(s.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("redis on port " + port + " did not answer " + args[0], e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void startProcess() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary));
        if (config != null) {
            Path file = dir.resolve("redis.conf");
            if (!Files.exists(file)) {
                Files.writeString(file, config);
            }
            cmd.add(file.toString());
        }
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        cmd.addAll(extraArgs);
        File logFile = dir.resolve("redis.log").toFile();
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile)).start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String mine = "process_id:" + process.pid() + "\r\n";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String logText = Files.readString(logFile.toPath());
                process = null;
                if (logText.contains("Address already in use")) {
                    throw new PortTakenException("port " + port + " or its cluster bus port is in use");
                }
                throw new IOException("redis-server exited; log: " + logText);
            }
            try {
                // Only this process counts: another one may have taken the port first (then ours exits).
                if (info("server").contains(mine)) {
                    log.debug("redis-server ({}) ready on port {}", binary, port);
                    return;
                }
            } catch (UncheckedIOException | NumberFormatException notYet) {
                // still starting
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting redis-server", e);
            }
        }
        stop();
        throw new IOException("redis-server did not answer on port " + port + " within " + READY_TIMEOUT);
    }

    /** Our server could not bind its port: someone else took it after it was found free. */
    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }

    private void deleteDir() {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            log.debug("cannot delete {}", dir, e);
        }
    }

    private static String binary() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        try {
            Class<?> provider = Class.forName("redis.embedded.RedisExecProvider");
            Object p = provider.getMethod("defaultProvider").invoke(null);
            File f = (File) provider.getMethod("get").invoke(p);
            return f.getAbsolutePath();
        } catch (ReflectiveOperationException e) {
            throw new IOException("no redis-server on PATH and org.signal:embedded-redis is not on the classpath", e);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() {
        return freePorts(1)[0];
    }

    /** {@code n} different ports that were free a moment ago on 127.0.0.1 (all held open while choosing). */
    private static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket that never accepted
                }
            }
        }
    }
}
