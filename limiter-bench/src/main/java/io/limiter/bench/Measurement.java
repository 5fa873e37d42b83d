package io.limiter.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/** Runs one operation from N threads for a while and measures throughput, latency and Redis commands. */
final class Measurement {
    /** One operation (e.g. an acquire/release pair) by one thread. */
    interface Op {
        void run() throws Exception;
    }

    /** Result of one run: ops/s, latency percentiles (µs), Redis script calls and commands per op. */
    record Result(double opsPerSec, double p50, double p99, double p999, double max, double evalsPerOp,
            double commandsPerOp, long ops) {
    }

    private Measurement() {
    }

    static Result run(BenchRedis redis, int threads, Duration warmup, Duration duration, Supplier<Op> perThread)
            throws Exception {
        loop(threads, warmup, perThread, null);
        Map<String, Long> before = redis.commandStats();
        Histogram h = new Histogram(3_600_000_000L, 3);
        long[] ops = new long[1];
        long nanos = loop(threads, duration, perThread, new Object[] {h, ops});
        Map<String, Long> after = redis.commandStats();
        long evals = delta(before, after, "evalsha") + delta(before, after, "eval") + delta(before, after, "evalsha_ro");
        long all = 0;
        for (String k : after.keySet()) {
            if (!k.equals("info")) {
                all += delta(before, after, k);
            }
        }
        double seconds = nanos / 1e9;
        return new Result(ops[0] / seconds, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, (double) evals / Math.max(1, ops[0]),
                (double) all / Math.max(1, ops[0]), ops[0]);
    }

    static long delta(Map<String, Long> before, Map<String, Long> after, String cmd) {
        return after.getOrDefault(cmd, 0L) - before.getOrDefault(cmd, 0L);
    }

    /** Runs the op in a loop on {@code threads} threads for {@code d}; records latencies (ns) when asked. */
    static long loop(int threads, Duration d, Supplier<Op> perThread, Object[] record) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        long[] counts = new long[threads];
        for (int t = 0; t < threads; t++) {
            Op op = perThread.get();
            Histogram h = new Histogram(3_600_000_000L, 3);
            histograms.add(h);
            int idx = t;
            Thread w = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    long n = 0;
                    while (!stop.get()) {
                        long s = System.nanoTime();
                        op.run();
                        h.recordValue(Math.min(System.nanoTime() - s, 3_600_000_000L));
                        n++;
                    }
                    counts[idx] = n;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-" + t);
            w.start();
            workers.add(w);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        Thread.sleep(d.toMillis());
        stop.set(true);
        for (Thread w : workers) {
            w.join(30_000);
        }
        long elapsed = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new IllegalStateException("benchmark operation failed", failure.get());
        }
        if (record != null) {
            Histogram total = (Histogram) record[0];
            for (Histogram h : histograms) {
                total.add(h);
            }
            long sum = 0;
            for (long c : counts) {
                sum += c;
            }
            ((long[]) record[1])[0] = sum;
        }
        return elapsed;
    }
}
