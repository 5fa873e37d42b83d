package io.limiter.bench;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** Case 5, scale: renewal cost while many permits are held, and acquire latency with 1,000 limits. */
final class ScaleCase {
    private ScaleCase() {
    }

    static void run(BenchRun r) throws Exception {
        r.report.section("5. Scale");
        renewal(r);
        r.line("");
        r.line("Acquire latency, one limit vs 1,000 limits (a random one per operation; tryAcquire() + close(), where "
                + "close() does not wait for Redis; at 1 thread the median of at least 7 interleaved runs):");
        r.line("");
        r.report.tableHeader();
        List<DistributedLimiter> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            r.peers.ours.replace("many-" + i, LimitPolicy.builder().concurrency(1000).build());
            many.add(r.peers.ours.limiter("many-" + i));
        }
        DistributedLimiter one = many.get(0);
        for (int t : new int[] {1, 16}) {
            // At 1 thread the two rows differ by less than this machine's run-to-run noise (±20 % on p50): more,
            // interleaved runs make the median comparable.
            r.measure("scale", t, t == 1 ? Math.max(r.runs, 7) : r.runs, List.of(
                    new BenchRun.Impl("1 limit", () -> () -> one.tryAcquire().orElseThrow().close()),
                    new BenchRun.Impl("1,000 limits", () -> () -> many.get(ThreadLocalRandom.current().nextInt(1000))
                            .tryAcquire().orElseThrow().close())));
        }
    }

    private static void renewal(BenchRun r) throws Exception {
        r.line("Renewal cost while one client holds N permits of one limit (lease 3 s, renewed every second), over "
                + "6 s:");
        r.line("");
        r.line("| permits held | script calls/s | Redis commands/s (incl. inside scripts) |");
        r.line("|---:|---:|---:|");
        r.peers.ours.replace("scale-held", LimitPolicy.builder().concurrency(20_000).lease(Duration.ofSeconds(3))
                .build());
        DistributedLimiter held = r.peers.ours.limiter("scale-held");
        for (int n : new int[] {100, 10_000}) {
            List<CompletableFuture<Permit>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(held.acquireAsync(Duration.ofSeconds(60)));
            }
            List<Permit> permits = new ArrayList<>();
            for (CompletableFuture<Permit> f : fs) {
                permits.add(f.get());
            }
            Thread.sleep(1500);
            Map<String, Long> before = r.redis.commandStats();
            Thread.sleep(6000);
            Map<String, Long> after = r.redis.commandStats();
            long evals = Measurement.delta(before, after, "evalsha") + Measurement.delta(before, after, "eval");
            long all = after.entrySet().stream().filter(e -> !e.getKey().equals("info"))
                    .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
            r.line(String.format(Locale.ROOT, "| %d | %.1f | %.0f |", n, evals / 6.0, all / 6.0));
            r.report.put("scale|" + n, new Measurement.Result(evals / 6.0, 0, 0, 0, 0, 0, all / 6.0, n));
            permits.forEach(Permit::close);
        }
    }
}
