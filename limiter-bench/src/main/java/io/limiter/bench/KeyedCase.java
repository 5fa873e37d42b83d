package io.limiter.bench;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.limiter.client.DistributedLimiter;
import io.limiter.core.LimitPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;

/**
 * Case 6, keyed limits: {@code forKey(key).tryAcquire()} over keys drawn Zipf-like from a large key space, next to a
 * named limit and to the peers' per-key limiters (Bucket4j's {@code ProxyManager}, one Redisson {@code RRateLimiter}
 * per key), then what each leaves in Redis after a run and after its idle state had time to expire. Bytes per
 * active key and the idle million are {@link KeyedMemory}'s.
 */
final class KeyedCase {
    static final long RATE = 100;
    static final String FAMILY = "keyed";
    private static final String OURS_PATTERN = Contender.KEY_PREFIX + ":{" + FAMILY + "/*";
    private static final String B4J_PREFIX = "b4jk:";
    private static final String RRL_PREFIX = "rrlk:";

    private KeyedCase() {
    }

    /** One per-key limiter: one non-blocking attempt on the key of a rank, and the glob of its Redis keys. */
    private interface PerKey {
        boolean tryOne(String key);
    }

    private record Row(String name, PerKey perKey, String pattern) {
    }

    static void run(BenchRun r, int keySpace, Duration expiryWait) throws Exception {
        r.report.section("6. Keyed limits: tryAcquire() per key, keys drawn Zipf-like (s = 1.0) from "
                + String.format(Locale.ROOT, "%,d", keySpace));
        Zipf zipf = new Zipf(keySpace, 1.0);
        r.line(String.format(Locale.ROOT, "Policy rate(%d, 1 s) per key (burst %d), tryAcquire() never waits. The "
                + "hottest key draws %.1f %% of the calls, the 100 hottest %.1f %%. Named rows: one limit of the same "
                + "call, with the same policy (so nearly every call is denied) and with rate 10^9/s (never runs dry, "
                + "every call granted as nearly all keyed calls are; the targets compare against this one). "
                + "Bucket4j: Lettuce CAS `ProxyManager`, a proxy per call, expiry `basedOnTimeForRefillingBucketUpToMax"
                + "(0)`; Redisson: one `RRateLimiter` per key, `trySetRate` on its first use in this process.",
                RATE, RATE, 100 * zipf.probability(0), 100 * top(zipf, 100)));
        r.line("");
        r.report.tableHeader();
        LimitPolicy perKey = LimitPolicy.builder().rate(RATE, Duration.ofSeconds(1)).keyed(true).build();
        r.peers.ours.replace(FAMILY, perKey);
        r.peers.ours.replace("keyed-named", LimitPolicy.builder().rate(RATE, Duration.ofSeconds(1)).build());
        r.peers.ours.replace("keyed-named-open", LimitPolicy.builder().rate(1_000_000_000L, Duration.ofSeconds(1))
                .burst(1_000_000_000L).build());
        DistributedLimiter family = r.peers.ours.limiter(FAMILY);
        DistributedLimiter named = r.peers.ours.limiter("keyed-named");
        DistributedLimiter open = r.peers.ours.limiter("keyed-named-open");
        BucketConfiguration cfg = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1))).build();
        ProxyManager<byte[]> pm = Bucket4jLettuce.casBasedBuilder(r.peers.bucket4jConnection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ZERO))
                .build();
        Map<String, RRateLimiter> rrls = new ConcurrentHashMap<>();
        Row ours = new Row("ours forKey(k).tryAcquire()", k -> family.forKey(k).tryAcquire().isPresent(),
                OURS_PATTERN);
        Row b4j = new Row("Bucket4j ProxyManager per key", k -> pm.builder()
                .build((B4J_PREFIX + k).getBytes(StandardCharsets.UTF_8), () -> cfg).tryConsume(1), B4J_PREFIX + "*");
        Row rrl = new Row("Redisson RRateLimiter per key", k -> redissonOf(r, rrls, k).tryAcquire(),
                "*" + RRL_PREFIX + "*");
        List<Row> rows = List.of(ours,
                new Row("ours named limit, rate 10^9/s", k -> open.tryAcquire().isPresent(), null),
                new Row("ours named limit, same policy", k -> named.tryAcquire().isPresent(), null), b4j, rrl);
        Map<String, LongAdder[]> counts = new LinkedHashMap<>(); // filled here; workers only add
        for (int t : new int[] {1, 64}) {
            List<BenchRun.Impl> impls = new ArrayList<>();
            for (Row row : rows) {
                LongAdder[] c = counts.computeIfAbsent(row.name() + "|" + t, x -> new LongAdder[] {new LongAdder(),
                        new LongAdder()});
                impls.add(new BenchRun.Impl(row.name(), () -> () -> {
                    c[0].increment();
                    if (row.perKey().tryOne("k" + zipf.next())) {
                        c[1].increment();
                    }
                }));
            }
            r.measure("keyed", t, impls);
        }
        r.line("");
        StringBuilder granted = new StringBuilder("Share of calls granted (all runs, warm-up included): ");
        counts.forEach((k, c) -> granted.append(String.format(Locale.ROOT, "%s threads %.1f %%; ",
                k.replace("|", ", "), 100.0 * c[1].sum() / Math.max(1, c[0].sum()))));
        r.line(granted.substring(0, granted.length() - 2) + ".");
        leftovers(r, zipf, expiryWait, List.of(ours, b4j, rrl), rrls);
    }

    private static RRateLimiter redissonOf(BenchRun r, Map<String, RRateLimiter> rrls, String key) {
        RRateLimiter l = rrls.get(key);
        if (l == null) {
            l = r.peers.redisson.getRateLimiter(RRL_PREFIX + key);
            l.trySetRate(RateType.OVERALL, RATE, Duration.ofSeconds(1));
            RRateLimiter raced = rrls.putIfAbsent(key, l);
            l = raced != null ? raced : l;
        }
        return l;
    }

    private static double top(Zipf z, int k) {
        double p = 0;
        for (int i = 0; i < k; i++) {
            p += z.probability(i);
        }
        return p;
    }

    /**
     * What each per-key limiter leaves in Redis: one run of 64 threads from a clean start (its own keys deleted),
     * Redis memory and keys against that start right after the run, then again once its idle state had
     * {@code expiryWait} to expire (polled; stops early when no key is left).
     */
    private static void leftovers(BenchRun r, Zipf zipf, Duration expiryWait, List<Row> rows,
            Map<String, RRateLimiter> rrls) throws Exception {
        r.line("");
        r.line(String.format(Locale.ROOT, "Left in Redis: each per-key limiter alone, 64 threads for %s from a clean "
                + "start (its keys from the runs above deleted), then idle for up to %s (polled every 100 ms); memory "
                + "is INFO used_memory against the start:", r.duration, expiryWait));
        r.line("");
        r.line("| implementation | calls | distinct keys used | Redis keys after the run | memory after the run | "
                + "bytes per key used | Redis keys after idle | memory after idle | idle waited |");
        r.line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            for (Row each : rows) {
                r.redis.deleteMatching(each.pattern());
            }
            rrls.clear();
            Thread.sleep(KeyedMemory.SETTLE_MS); // Redis shrinks its key table in its cron after mass deletes
            long keys0 = r.redis.dbSize();
            long mem0 = r.redis.usedMemory();
            AtomicLongArray used = new AtomicLongArray((zipf.n + 63) / 64);
            LongAdder calls = new LongAdder();
            Measurement.loop(64, r.duration, () -> () -> {
                int rank = zipf.next();
                long bit = 1L << (rank & 63);
                if ((used.get(rank >>> 6) & bit) == 0) {
                    used.getAndUpdate(rank >>> 6, w -> w | bit);
                }
                row.perKey().tryOne("k" + rank);
                calls.increment();
            }, null);
            long distinct = 0;
            for (int i = 0; i < used.length(); i++) {
                distinct += Long.bitCount(used.get(i));
            }
            long keys1 = r.redis.dbSize() - keys0;
            long mem1 = r.redis.usedMemory() - mem0;
            long waitStart = System.nanoTime();
            long deadline = waitStart + expiryWait.toNanos();
            long keys2;
            do {
                Thread.sleep(100);
                keys2 = r.redis.dbSize() - keys0;
            } while (keys2 > 0 && System.nanoTime() < deadline);
            double waited = (System.nanoTime() - waitStart) / 1e9;
            Thread.sleep(KeyedMemory.SETTLE_MS);
            long mem2 = r.redis.usedMemory() - mem0;
            r.report.put("keyed-left|" + row.name(), new Measurement.Result(keys2, 0, 0, 0, 0, 0, mem2, keys1));
            r.line(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %.0f | %d | %s | %.1f s |", row.name(),
                    calls.sum(), distinct, keys1, KeyedMemory.bytes(mem1), (double) mem1 / Math.max(1, distinct),
                    keys2, KeyedMemory.bytes(mem2), waited));
        }
        for (Row each : rows) {
            r.redis.deleteMatching(each.pattern());
        }
        rrls.clear();
    }
}
