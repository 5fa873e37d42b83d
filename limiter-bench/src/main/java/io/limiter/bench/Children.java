package io.limiter.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts benchmark child JVMs (this jar or classpath, {@code Bench child ...} or {@code Bench hog ...}), starts them
 * together, collects their result lines and makes sure none outlives the benchmark: a child still running at the
 * deadline is killed, every child still alive at JVM exit (also on Ctrl-C) is killed by a shutdown hook, and a
 * child whose parent died sees its stdin close and ends itself. Not thread-safe; one group at a time.
 */
final class Children {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "stop-bench-children"));
    }

    private Children() {
    }

    /** A started child: its process and its stdout lines, read by a thread of its own. */
    static final class Child {
        final Process process;
        final Path log;
        final CountDownLatch ready = new CountDownLatch(1);
        final AtomicReference<String> result = new AtomicReference<>();
        private final Thread reader;

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
            reader = new Thread(this::read, "read-child-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else if (line.startsWith(ChildResult.PREFIX)) {
                        result.set(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        void send(String line) throws IOException {
            OutputStream out = process.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Kills the process and waits for it (at most 10 s). Idempotent. */
        void stop() {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // already closed
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LIVE.remove(process);
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    /** Starts one child JVM running {@code Bench <args>}; its stderr goes to {@code log}. */
    static Child start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), Bench.class.getName()));
        cmd.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        LIVE.add(p);
        return new Child(p, log);
    }

    /**
     * Runs one group: starts a child per argument list, waits until all are ready (at most 120 s), tells them to
     * start together, waits for them to end (at most {@code seconds} + 60 s) and returns their results in order.
     *
     * @throws IllegalStateException naming the child and the tail of its log when one fails or is late
     */
    static List<ChildResult> run(List<List<String>> argsPerChild, int seconds, Path logDir, String tag)
            throws Exception {
        List<Child> children = new ArrayList<>();
        try {
            for (int i = 0; i < argsPerChild.size(); i++) {
                children.add(start(argsPerChild.get(i), logDir.resolve(tag + "-" + i + ".log")));
            }
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (Child c : children) {
                while (!c.ready.await(100, TimeUnit.MILLISECONDS)) {
                    if (!c.process.isAlive() || System.nanoTime() > readyBy) {
                        throw failed(c, "did not get ready");
                    }
                }
            }
            String go = "GO " + (System.currentTimeMillis() + 300);
            for (Child c : children) {
                c.send(go);
            }
            long endBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60L);
            List<ChildResult> results = new ArrayList<>();
            for (Child c : children) {
                long left = Math.max(0, endBy - System.nanoTime());
                if (!c.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    throw failed(c, "did not finish in time");
                }
                c.reader.join(5000); // it has read the last line once the process's stdout is closed
                if (c.process.exitValue() != 0 || c.result.get() == null) {
                    throw failed(c, "failed (exit " + c.process.exitValue() + ")");
                }
                results.add(ChildResult.parse(c.result.get()));
            }
            return results;
        } finally {
            children.forEach(Child::stop);
        }
    }

    private static IllegalStateException failed(Child c, String what) {
        return new IllegalStateException("child " + c.process.pid() + " " + what + "; log " + c.log + ":\n"
                + c.logTail());
    }
}
