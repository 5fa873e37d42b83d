package io.limiter.bench;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.Permit;
import io.limiter.core.CalendarWindow;
import io.limiter.core.LimitPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Case 6, memory: Redis bytes per active key for each part of a keyed limit's policy, and a large number of keys
 * each used once going idle (Redis back to where it started). Calls go through {@code acquireAsync(1, ZERO)} (one
 * attempt, never waits) with a bounded number in flight, so the client pipelines them.
 */
final class KeyedMemory {
    private static final int IN_FLIGHT = 2048;
    /** Time for Redis's cron (10 Hz) to shrink its key table after many keys went, before memory is read. */
    static final long SETTLE_MS = 1000;

    private KeyedMemory() {
    }

    /** How long the idle keys may take to expire before the case reports what is left. */
    static final Duration IDLE_BOUND = Duration.ofSeconds(60);

    static void run(BenchRun r, int activeKeys, int idleKeys, Duration expiryWait) throws Exception {
        r.line("");
        r.line(String.format(Locale.ROOT, "Redis memory per active key, by part: %,d keys of one keyed limit, each "
                + "with one call (INFO used_memory and DBSIZE against the start, divided by the keys):", activeKeys));
        r.line("");
        r.line("| part (policy) | state of each key | bytes per key | Redis keys per key | after release/expiry |");
        r.line("|---|---|---:|---:|---|");
        part(r, "concurrency", "concurrency(1), lease 30 s", "one permit held",
                LimitPolicy.builder().concurrency(1).keyed(true).build(), activeKeys, expiryWait, true);
        part(r, "rate", "rate(10, 1 h)", "one token taken (refills in 6 min)",
                LimitPolicy.builder().rate(10, Duration.ofHours(1)).keyed(true).build(), activeKeys, expiryWait,
                false);
        part(r, "quota", "quota(1000 a day)", "one unit used (kept until the day ends)",
                LimitPolicy.builder().quota(1000, CalendarWindow.DAY).keyed(true).build(), activeKeys, expiryWait,
                false);
        idle(r, idleKeys, expiryWait);
    }

    private static void part(BenchRun r, String part, String policyText, String state, LimitPolicy policy, int n,
            Duration expiryWait, boolean release) throws Exception {
        String family = "keyed-mem-" + part;
        r.peers.ours.replace(family, policy);
        DistributedLimiter limiter = r.peers.ours.limiter(family);
        String pattern = Contender.KEY_PREFIX + ":{" + family + "/*";
        Thread.sleep(SETTLE_MS);
        long keys0 = r.redis.dbSize();
        long mem0 = r.redis.usedMemory();
        List<Permit> permits = calls(limiter, "m", n, null);
        Thread.sleep(200);
        long keys = r.redis.dbSize() - keys0;
        long mem = r.redis.usedMemory() - mem0;
        String after;
        if (release) {
            permits.forEach(Permit::close);
            long[] left = waitForBaseline(r, keys0, expiryWait);
            Thread.sleep(SETTLE_MS);
            after = String.format(Locale.ROOT, "released: +%d keys, %s after %.1f s (+1 s)", left[0],
                    bytes(r.redis.usedMemory() - mem0), left[1] / 1000.0);
        } else {
            after = "kept by design (tokens owed / quota used); deleted after the measurement";
        }
        r.redis.deleteMatching(pattern);
        r.report.put("keyed-mem|" + part, new Measurement.Result((double) mem / n, 0, 0, 0, 0, 0, (double) keys / n,
                n));
        r.line(String.format(Locale.ROOT, "| %s (`%s`) | %s | %.0f | %.2f | %s |", part, policyText, state,
                (double) mem / n, (double) keys / n, after));
    }

    /** {@code idleKeys} distinct keys, each used once, then idle: memory and keys against the start. */
    private static void idle(BenchRun r, int n, Duration expiryWait) throws Exception {
        if (n == 0) {
            return;
        }
        String family = "keyed-idle";
        r.peers.ours.replace(family, LimitPolicy.builder().rate(KeyedCase.RATE, Duration.ofSeconds(1)).keyed(true)
                .build());
        DistributedLimiter limiter = r.peers.ours.limiter(family);
        Thread.sleep(SETTLE_MS);
        long keys0 = r.redis.dbSize();
        long mem0 = r.redis.usedMemory();
        long start = System.nanoTime();
        long[] peak = new long[2];
        calls(limiter, "i", n, done -> {
            long k = r.redis.dbSize() - keys0;
            long m = r.redis.usedMemory() - mem0;
            peak[0] = Math.max(peak[0], k);
            peak[1] = Math.max(peak[1], m);
            System.out.printf(Locale.ROOT, "  keyed idle: %,d of %,d keys used, %.1f s, Redis +%,d keys, %s%n", done,
                    n, (System.nanoTime() - start) / 1e9, k, bytes(m));
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        long keys1 = r.redis.dbSize() - keys0;
        long mem1 = r.redis.usedMemory() - mem0;
        long[] left = waitForBaseline(r, keys0, expiryWait.compareTo(IDLE_BOUND) > 0 ? expiryWait : IDLE_BOUND);
        Thread.sleep(SETTLE_MS);
        long mem2 = r.redis.usedMemory() - mem0;
        r.report.put("keyed-idle", new Measurement.Result(left[0], 0, 0, 0, 0, 0, mem2, n));
        r.line("");
        r.line(String.format(Locale.ROOT, "%,d distinct keys (policy rate(%d, 1 s)), each used once: %.1f s (%,.0f "
                + "calls/s, at most %d in flight); at the end of the calls Redis held +%,d keys and %s (peak seen "
                + "+%,d keys, %s); after %.1f s idle (and 1 s more for Redis's cron): **+%,d keys, %s** against the start.", n, KeyedCase.RATE,
                seconds, n / seconds, IN_FLIGHT, keys1, bytes(mem1), peak[0], bytes(peak[1]), left[1] / 1000.0,
                left[0], bytes(mem2)));
    }

    /**
     * One {@code acquireAsync(1, ZERO)} on each of {@code n} keys {@code prefix + i}, at most {@link #IN_FLIGHT} in
     * flight; returns the permits granted (in no order); {@code progress} sees every 100,000th call.
     */
    private static List<Permit> calls(DistributedLimiter limiter, String prefix, int n,
            IntConsumer progress) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<Permit> permits = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n && failure.get() == null; i++) {
            slots.acquire();
            CompletableFuture<Permit> f = limiter.forKey(prefix + i).acquireAsync(1, Duration.ZERO);
            f.whenComplete((p, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else {
                    permits.add(p);
                }
                slots.release();
            });
            if (progress != null && (i + 1) % 100_000 == 0) {
                progress.accept(i + 1);
            }
        }
        if (!slots.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls still in flight after 60 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a keyed call failed", failure.get());
        }
        return permits;
    }

    /** Polls DBSIZE every 100 ms until it is back at {@code keys0} or {@code bound} passed: {keys left, ms waited}. */
    private static long[] waitForBaseline(BenchRun r, long keys0, Duration bound) throws InterruptedException {
        long start = System.nanoTime();
        long left;
        do {
            Thread.sleep(100);
            left = r.redis.dbSize() - keys0;
        } while (left > 0 && System.nanoTime() - start < bound.toNanos());
        return new long[] {left, (System.nanoTime() - start) / 1_000_000};
    }

    static String bytes(long b) {
        if (Math.abs(b) < 10_000) {
            return String.format(Locale.ROOT, "%+d B", b);
        }
        if (Math.abs(b) < 10_000_000) {
            return String.format(Locale.ROOT, "%+.1f KB", b / 1e3);
        }
        return String.format(Locale.ROOT, "%+.1f MB", b / 1e6);
    }
}
