package io.limiter.client;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child JVM of {@link CapHistoryIT}: {@code THREADS} threads acquire, hold and release permits of a few limits
 * for {@code MILLIS}, and every grant goes to {@code OUTFILE}: {@code G limit id weight decided_ms end_ms lost_ms}
 * (decided: Redis time of the grant, from the lease expiry; end: when the holder stopped, before its release;
 * lost: when {@code onLeaseLost} fired, or -1). The last line is {@code DONE attempts completed failures kinds}.
 *
 * <p>Arguments: {@code URI PREFIX LIMITS(comma-separated) THREADS MILLIS SEED OUTFILE}.
 */
public final class HistoryWorker {
    /** The policy every child defines (create-if-absent), and so the one a recovery after lost data restores. */
    static final int INITIAL_PERMITS = 3;
    static final Duration LEASE = Duration.ofSeconds(2);

    static LimitPolicy policy(int permits) {
        return LimitPolicy.builder().concurrency(permits).lease(LEASE).build();
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String prefix = args[1];
        String[] limits = args[2].split(",");
        int threads = Integer.parseInt(args[3]);
        long millis = Long.parseLong(args[4]);
        long seed = Long.parseLong(args[5]);
        Path out = Path.of(args[6]);
        Map<String, Long> lostAt = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        AtomicLong attempts = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        Map<String, Long> kinds = new ConcurrentHashMap<>();
        LimiterClient client = LimiterClient.builder().redisUri(uri).keyPrefix(prefix)
                .instanceId(System.getProperty("instance", "child"))
                .connectTimeout(Duration.ofMillis(500)).commandTimeout(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ofSeconds(1))
                .listener(new LimiterListener() {
                    @Override
                    public void onLeaseLost(Permit permit) {
                        lostAt.putIfAbsent(permit.id(), System.currentTimeMillis());
                    }
                }).build();
        long defineBy = System.nanoTime() + 20_000_000_000L;
        for (String l : limits) {
            while (true) {
                try {
                    client.define(l, policy(INITIAL_PERMITS));
                    break;
                } catch (LimiterException faultInjected) { // Redis may be paused or restarting right now
                    if (System.nanoTime() > defineBy) {
                        throw faultInjected;
                    }
                    Thread.sleep(100);
                }
            }
        }
        long end = System.nanoTime() + millis * 1_000_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random rnd = new Random(seed * 31 + t);
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    String limit = limits[rnd.nextInt(limits.length)];
                    int weight = rnd.nextInt(5) == 0 ? 2 : 1;
                    attempts.incrementAndGet();
                    try {
                        Permit p = client.limiter(limit).acquire(weight, Duration.ofMillis(800));
                        long decided = p.leaseExpiresAt().orElseThrow().toEpochMilli() - LEASE.toMillis();
                        Thread.sleep(1 + rnd.nextInt(25));
                        long stopped = System.currentTimeMillis();
                        Long lost = lostAt.get(p.id());
                        p.close();
                        lines.add("G " + limit + " " + p.id() + " " + weight + " " + decided + " " + stopped + " "
                                + (lost == null ? -1 : lost));
                    } catch (LimiterException expected) {
                        // timeouts, Redis down, a deleted limit, a weight over the cap: counted, and a short pause so
                        // that a fast failure (an outage already known) does not spin
                        failures.incrementAndGet();
                        kinds.merge(expected.getClass().getSimpleName(), 1L, Long::sum);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    completed.incrementAndGet();
                }
            }, "history-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        client.close();
        try (PrintWriter pw = new PrintWriter(Files.newBufferedWriter(out))) {
            for (String line : lines) {
                pw.println(line);
            }
            pw.println("DONE " + attempts.get() + " " + completed.get() + " " + failures.get() + " " + kinds);
        }
    }
}
