package io.limiter.bench;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.limiter.client.DistributedLimiter;
import io.limiter.core.LimitPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleUnaryOperator;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;

/**
 * Case 3: rate-limit {@code tryAcquire} on a bucket that never runs dry (ours, Redisson, Bucket4j plain and
 * batched), then exactness: grants against the policy's bound under load.
 */
final class RateCase {
    private RateCase() {
    }

    static void run(BenchRun r) throws Exception {
        r.report.section("3. Rate limit tryAcquire (rate 10^9/s, never runs dry)");
        r.peers.ours.replace("rate", LimitPolicy.builder().rate(1_000_000_000L, Duration.ofSeconds(1))
                .burst(1_000_000_000L).build());
        DistributedLimiter limiter = r.peers.ours.limiter("rate");
        RRateLimiter rrl = r.peers.redisson.getRateLimiter("rrl");
        rrl.delete();
        rrl.trySetRate(RateType.OVERALL, 1_000_000_000L, Duration.ofSeconds(1));
        ProxyManager<byte[]> pm = Bucket4jLettuce.casBasedBuilder(r.peers.bucket4jConnection).build();
        BucketConfiguration cfg = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
                .build();
        BucketProxy plain = pm.builder().build("b4j-plain".getBytes(StandardCharsets.UTF_8), () -> cfg);
        BucketProxy batched = pm.builder().withOptimization(Optimizations.batching())
                .build("b4j-batch".getBytes(StandardCharsets.UTF_8), () -> cfg);
        for (int t : r.threadCounts) {
            r.measure("rate", t, List.of(
                    new BenchRun.Impl("ours tryAcquire()", () -> () -> limiter.tryAcquire()),
                    new BenchRun.Impl("Redisson RRateLimiter", () -> () -> rrl.tryAcquire()),
                    new BenchRun.Impl("Bucket4j Lettuce tryConsume(1)", () -> () -> plain.tryConsume(1)),
                    new BenchRun.Impl("Bucket4j Lettuce + batching", () -> () -> batched.tryConsume(1))));
        }
        exactness(r, pm);
    }

    /**
     * Grants against what the policy allows, under load: a limiter that decides locally (or on stale state) grants
     * more than its policy. Each peer is asked for burst 1,000 and 1,000/s; the bound is the policy's over the
     * measured wall-clock window (which contains every decision, so the bound is generous).
     */
    private static void exactness(BenchRun r, ProxyManager<byte[]> pm) throws Exception {
        int rate = 1000;
        Duration d = Duration.ofSeconds(3);
        r.line("");
        r.line("Exactness under load: burst 1,000 and 1,000/s, 64 threads calling tryAcquire for 3 s; grants against "
                + "the policy's bound over the measured window:");
        r.line("");
        r.line("| implementation | granted | allowed | over the bound |");
        r.line("|---|---:|---:|---:|");
        r.peers.ours.replace("exact", LimitPolicy.builder().rate(rate, Duration.ofSeconds(1)).burst(rate).build());
        DistributedLimiter limiter = r.peers.ours.limiter("exact");
        exactly(r, "ours tryAcquire() (token bucket: burst + rate x time)", d,
                () -> limiter.tryAcquire().isPresent(), s -> rate + rate * s);
        BucketConfiguration cfg = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(rate).refillGreedy(rate, Duration.ofSeconds(1))).build();
        BucketProxy batched = pm.builder().withOptimization(Optimizations.batching())
                .build("b4j-exact".getBytes(StandardCharsets.UTF_8), () -> cfg);
        exactly(r, "Bucket4j Lettuce + batching (token bucket: burst + rate x time)", d, () -> batched.tryConsume(1),
                s -> rate + rate * s);
        RRateLimiter rrl = r.peers.redisson.getRateLimiter("rrl-exact");
        rrl.delete();
        rrl.trySetRate(RateType.OVERALL, rate, Duration.ofSeconds(1));
        exactly(r, "Redisson RRateLimiter (window: rate x started seconds)", d, rrl::tryAcquire,
                s -> rate * Math.ceil(s));
    }

    private static void exactly(BenchRun r, String name, Duration d, BooleanSupplier tryOne,
            DoubleUnaryOperator allowedOverSeconds) throws Exception {
        LongAdder granted = new LongAdder();
        long nanos = Measurement.loop(64, d, () -> () -> {
            if (tryOne.getAsBoolean()) {
                granted.increment();
            }
        }, null);
        long allowed = (long) Math.floor(allowedOverSeconds.applyAsDouble(nanos / 1e9));
        long over = Math.max(0, granted.sum() - allowed);
        r.report.put("exact|" + name, new Measurement.Result(granted.sum(), 0, 0, 0, 0, 0, 0, over));
        r.line(String.format(Locale.ROOT, "| %s | %d | %d | %d |", name, granted.sum(), allowed, over));
    }
}
