package io.limiter.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A separate JVM for multi-process tests.
 * <ul>
 *   <li>{@code cap URI PREFIX LIMIT THREADS MILLIS OUTFILE}: THREADS threads acquire, work 2-6 ms, release, for
 *       MILLIS; every task's start and end (epoch micros, taken after the acquire returned and before the
 *       release) go to OUTFILE, one {@code start end} line each.</li>
 *   <li>{@code hold URI PREFIX LIMIT COUNT}: takes COUNT permits, prints {@code HELD id...} and sleeps until
 *       killed.</li>
 * </ul>
 */
public final class ChildWorker {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        LimiterClientBuilder builder = LimiterClient.builder().redisUri(args[1]).keyPrefix(args[2]);
        if (System.getProperty("instance") != null) {
            builder.instanceId(System.getProperty("instance"));
        }
        try (LimiterClient client = builder.build()) {
            DistributedLimiter limiter = client.limiter(args[3]);
            if (mode.equals("cap")) {
                cap(limiter, Integer.parseInt(args[4]), Long.parseLong(args[5]), Path.of(args[6]));
            } else if (mode.equals("executor")) {
                executor(limiter, Integer.parseInt(args[4]), Path.of(args[5]));
            } else if (mode.equals("wait")) {
                waitMode(limiter, Integer.parseInt(args[4]));
            } else if (mode.equals("hold")) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                    ids.add(limiter.acquire(Duration.ofSeconds(10)).id());
                }
                System.out.println("HELD " + String.join(" ", ids));
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            } else {
                throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
    }

    private static void cap(DistributedLimiter limiter, int threads, long millis, Path out) throws Exception {
        List<long[]> intervals = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + millis * 1_000_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try (Permit p = limiter.acquire(Duration.ofSeconds(10))) {
                        long s = micros();
                        Thread.sleep(ThreadLocalRandom.current().nextInt(2, 7));
                        intervals.add(new long[] {s, micros()});
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        try (PrintWriter pw = new PrintWriter(Files.newBufferedWriter(out))) {
            for (long[] i : intervals) {
                pw.println(i[0] + " " + i[1]);
            }
        }
    }

    /**
     * {@code wait URI PREFIX LIMIT COUNT}: COUNT threads wait for a permit; prints {@code QUEUED} once all wait,
     * and {@code GOT id} for each grant, which is then held until the process is killed.
     */
    private static void waitMode(DistributedLimiter limiter, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> {
                Permit p = limiter.acquire(Duration.ofSeconds(120));
                System.out.println("GOT " + p.id());
                System.out.flush();
            });
            t.setDaemon(true);
            t.start();
        }
        while (limiter.waitingCount() < count) {
            Thread.sleep(20);
        }
        System.out.println("QUEUED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Runs TASKS tasks of 2-6 ms through a LimitedExecutor; writes their intervals like {@code cap}. */
    private static void executor(DistributedLimiter limiter, int tasks, Path out) throws Exception {
        List<long[]> intervals = Collections.synchronizedList(new ArrayList<>());
        try (LimitedExecutor pool = LimitedExecutor.builder(limiter).build()) {
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                items.add(i);
            }
            pool.forEach(items, i -> {
                long s = micros();
                Thread.sleep(ThreadLocalRandom.current().nextInt(2, 7));
                intervals.add(new long[] {s, micros()});
            });
        }
        try (PrintWriter pw = new PrintWriter(Files.newBufferedWriter(out))) {
            for (long[] i : intervals) {
                pw.println(i[0] + " " + i[1]);
            }
        }
    }

    /** Highest number of intervals open at once (start/end sweep; an end at the same instant closes first). */
    static int highestOverlap(List<long[]> intervals) {
        List<long[]> events = new ArrayList<>();
        for (long[] i : intervals) {
            events.add(new long[] {i[0], +1});
            events.add(new long[] {i[1], -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int highest = 0;
        for (long[] e : events) {
            running += (int) e[1];
            highest = Math.max(highest, running);
        }
        return highest;
    }

    static List<long[]> readIntervals(Path file) throws IOException {
        List<long[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] se = line.split(" ");
            out.add(new long[] {Long.parseLong(se[0]), Long.parseLong(se[1])});
        }
        return out;
    }

    static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Starts a child JVM running this class with the test classpath. */
    static Process spawn(String... args) throws IOException {
        return spawnAs(null, args);
    }

    /** Like {@link #spawn} with an instance id for the child's client. */
    static Process spawnAs(String instance, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (instance != null) {
            cmd.add("-Dinstance=" + instance);
        }
        String provider = System.getProperty("slf4j.provider");
        if (provider != null) {
            cmd.add("-Dslf4j.provider=" + provider); // one logging backend in the child too
        }
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildWorker.class.getName());
        Collections.addAll(cmd, args);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
