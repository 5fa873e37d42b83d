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
        try (LimiterClient client = LimiterClient.builder().redisUri(args[1]).keyPrefix(args[2]).build()) {
            DistributedLimiter limiter = client.limiter(args[3]);
            if (mode.equals("cap")) {
                cap(limiter, Integer.parseInt(args[4]), Long.parseLong(args[5]), Path.of(args[6]));
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

    private static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Starts a child JVM running this class with the test classpath. */
    static Process spawn(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildWorker.class.getName());
        Collections.addAll(cmd, args);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
