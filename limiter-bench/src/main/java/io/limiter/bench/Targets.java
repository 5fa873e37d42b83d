package io.limiter.bench;

import java.util.Locale;

/** The targets table: ratios within one run, for the cases that ran. */
final class Targets {
    private Targets() {
    }

    static void print(Report report) {
        report.section("Targets (64 threads, same run)");
        report.line("| target | measured | met |");
        report.line("|---|---|---|");
        Measurement.Result floor = report.get("floor|Lettuce EVALSHA return 1|64");
        Measurement.Result pair = report.get("pair|ours tryAcquire()+close()|64");
        Measurement.Result rx = report.get("pair|Redisson RPermitExpirableSemaphore|64");
        if (pair != null && rx != null && floor != null) {
            report.target("permit pairs/s >= 3x RPermitExpirableSemaphore", pair.opsPerSec() / rx.opsPerSec(), 3,
                    true);
            report.target("permit pairs/s >= 0.45x floor ops/s", pair.opsPerSec() / floor.opsPerSec(), 0.45, true);
            report.target("permit pair p99 <= 1/3 of RPermitExpirableSemaphore's", pair.p99() / rx.p99(), 1 / 3.0,
                    false);
        }
        Measurement.Result rate = report.get("rate|ours tryAcquire()|64");
        Measurement.Result rrl = report.get("rate|Redisson RRateLimiter|64");
        Measurement.Result b4j = report.get("rate|Bucket4j Lettuce + batching|64");
        if (rate != null && floor != null) {
            report.target("rate tryAcquire >= 0.9x floor", rate.opsPerSec() / floor.opsPerSec(), 0.9, true);
            report.target("rate tryAcquire >= 3x RRateLimiter", rate.opsPerSec() / rrl.opsPerSec(), 3, true);
            report.target("rate tryAcquire >= 1x Bucket4j with batching", rate.opsPerSec() / b4j.opsPerSec(), 1, true);
        }
        Measurement.Result exact = report.get("exact|ours tryAcquire() (token bucket: burst + rate x time)");
        if (exact != null) {
            report.target("rate: grants over the policy's bound under load (no overshoot)", exact.ops(), 0, false);
        }
        Measurement.Result h = report.get("handoff|ours acquire()");
        if (h != null) {
            report.target("handoff >= 90 % of ideal tasks/s (value in %)", h.p999(), 90, true);
            report.target("handoff <= 1.2 acquire attempts per acquire", h.evalsPerOp(), 1.2, false);
            report.target("handoff wait p99 <= 10x hold time (ms)", h.p99(), 10 * 1.06, false);
        }
        Measurement.Result single = report.get("pair|ours tryAcquire()+close()|1");
        if (single != null) {
            report.target("uncontended (1 thread): script calls per pair <= 2 (one per acquire, one per release)",
                    single.evalsPerOp(), 2.05, false);
        }
        Measurement.Result one = report.get("scale|1 limit|1");
        Measurement.Result many = report.get("scale|1,000 limits|1");
        if (one != null && many != null) {
            report.target("1,000 limits: uncontended acquire p50 <= 1.2x one limit's (latency unchanged)",
                    many.p50() / one.p50(), 1.2, false);
        }
        Measurement.Result s100 = report.get("scale|100");
        Measurement.Result s10k = report.get("scale|10000");
        if (s100 != null && s10k != null) {
            report.target("renewal script calls/s with 10,000 permits <= with 100 (x1.5)", s10k.opsPerSec()
                    / Math.max(0.01, s100.opsPerSec()), 1.5, false);
            report.target("renewal Redis commands/s (incl. inside scripts) with 10,000 permits <= with 100 (x1.5)",
                    s10k.commandsPerOp() / Math.max(0.01, s100.commandsPerOp()), 1.5, false);
        }
        keyed(report);
    }

    private static void keyed(Report report) {
        for (int t : new int[] {1, 64}) {
            Measurement.Result keyed = report.get("keyed|ours forKey(k).tryAcquire()|" + t);
            Measurement.Result named = report.get("keyed|ours named limit, rate 10^9/s|" + t);
            if (keyed != null && named != null) {
                report.target("keyed tryAcquire p50 <= 1.1x named limit's, " + t + " thread(s)",
                        keyed.p50() / named.p50(), 1.1, false);
                report.target("keyed tryAcquire ops/s >= 0.9x named limit's, " + t + " thread(s)",
                        keyed.opsPerSec() / named.opsPerSec(), 0.9, true);
            }
        }
        Measurement.Result left = report.get("keyed-left|ours forKey(k).tryAcquire()");
        if (left != null) {
            report.target("keyed: Redis keys left after the run, once idle", left.opsPerSec(), 0, false);
        }
        Measurement.Result idle = report.get("keyed-idle");
        if (idle != null) {
            report.target(String.format(Locale.ROOT, "keyed: Redis keys left once %,d keys used once went idle",
                    idle.ops()), idle.opsPerSec(), 0, false);
        }
    }
}
