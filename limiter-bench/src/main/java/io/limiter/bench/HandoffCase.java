package io.limiter.bench;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RSemaphore;

/** Case 4, contention handoff: 10 permits, 64 threads, acquire, 1 ms of work, release, for 5 s. */
final class HandoffCase {
    private interface Blocking {
        Runnable acquire() throws Exception;
    }

    private HandoffCase() {
    }

    static void run(BenchRun r) throws Exception {
        r.report.section("4. Contention handoff: 10 permits, 64 threads, acquire -> 1 ms work -> release, 5 s");
        r.line("| implementation | tasks/s | ideal tasks/s | % of ideal | acquire attempts/acquire | evals/task | "
                + "wait p50 ms | wait p99 ms | wait max ms |");
        r.line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        r.peers.ours.replace("handoff", LimitPolicy.builder().concurrency(10).lease(Duration.ofSeconds(30)).build());
        DistributedLimiter limiter = r.peers.ours.limiter("handoff");
        LimitStore store = new LimitStore(LettuceBackend.create(r.redis.uri), new KeySchema("bench"));
        handoffCase(r, "ours acquire()", () -> {
            Permit p = limiter.acquire(Duration.ofSeconds(60));
            return p::close;
        }, () -> attemptsOf(store));
        RSemaphore rs = r.peers.redisson.getSemaphore("rs-handoff");
        rs.delete();
        rs.trySetPermits(10);
        handoffCase(r, "Redisson RSemaphore", () -> {
            rs.acquire();
            return rs::release;
        }, null);
        RPermitExpirableSemaphore rx = r.peers.redisson.getPermitExpirableSemaphore("rx-handoff");
        rx.delete();
        rx.trySetPermits(10);
        handoffCase(r, "Redisson RPermitExpirableSemaphore", () -> {
            String id = rx.acquire(30, TimeUnit.SECONDS);
            return () -> rx.release(id);
        }, null);
        store.backend().close();
    }

    private static long[] attemptsOf(LimitStore store) {
        LimitState s = store.state("handoff", 0).join().orElseThrow();
        return new long[] {s.counters().getOrDefault("grants", 0L), s.counters().getOrDefault("denials", 0L)};
    }

    private static void handoffCase(BenchRun r, String name, Blocking op, Supplier<long[]> attempts)
            throws Exception {
        int runs = r.runs;
        double[] tasksPerSec = new double[runs];
        double[] pctIdeal = new double[runs];
        Histogram wait = new Histogram(3_600_000_000L, 3);
        double ideal = 0;
        double attemptsPerAcquire = Double.NaN;
        double evalsPerTask = 0;
        for (int run = 0; run < runs; run++) {
            long[] a0 = attempts != null ? attempts.get() : null;
            Map<String, Long> before = r.redis.commandStats();
            Histogram hold = new Histogram(3_600_000_000L, 3);
            Histogram w = new Histogram(3_600_000_000L, 3);
            long[] tasks = new long[64];
            long end = System.nanoTime() + 5_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int idx = t;
                Thread th = new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            long s = System.nanoTime();
                            Runnable release = op.acquire();
                            long got = System.nanoTime();
                            Thread.sleep(1);
                            long done = System.nanoTime();
                            release.run();
                            synchronized (w) {
                                w.recordValue(got - s);
                                hold.recordValue(done - got);
                            }
                            tasks[idx]++;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                th.start();
                threads.add(th);
            }
            long start = System.nanoTime();
            for (Thread th : threads) {
                th.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = Arrays.stream(tasks).sum();
            Map<String, Long> after = r.redis.commandStats();
            tasksPerSec[run] = total / seconds;
            ideal = 10 / (hold.getMean() / 1e9);
            pctIdeal[run] = 100 * tasksPerSec[run] / ideal;
            evalsPerTask = (Measurement.delta(before, after, "evalsha") + Measurement.delta(before, after, "eval"))
                    / (double) total;
            if (attempts != null) {
                long[] a1 = attempts.get();
                attemptsPerAcquire = (double) ((a1[0] - a0[0]) + (a1[1] - a0[1])) / (a1[0] - a0[0]);
            }
            wait.add(w);
        }
        double tps = Report.median(tasksPerSec);
        double pct = Report.median(pctIdeal);
        r.report.put("handoff|" + name, new Measurement.Result(tps, wait.getValueAtPercentile(50) / 1e6,
                wait.getValueAtPercentile(99) / 1e6, pct, wait.getMaxValue() / 1e6, attemptsPerAcquire, evalsPerTask,
                0));
        String row = String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f %% | %s | %.2f | %.2f | %.2f | %.1f |", name,
                tps, ideal, pct, Double.isNaN(attemptsPerAcquire) ? "n/a" : String.format(Locale.ROOT, "%.2f",
                        attemptsPerAcquire), evalsPerTask, wait.getValueAtPercentile(50) / 1e6,
                wait.getValueAtPercentile(99) / 1e6, wait.getMaxValue() / 1e6);
        r.line(row);
    }
}
