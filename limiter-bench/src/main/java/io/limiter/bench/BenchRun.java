package io.limiter.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** One single-JVM run: its settings, Redis, clients and report, and the interleaved measurement every case uses. */
final class BenchRun {
    final BenchRedis redis;
    final Peers peers;
    final Report report;
    final Duration duration;
    final Duration warmup;
    final int runs;
    final int[] threadCounts;

    BenchRun(BenchRedis redis, Peers peers, Report report, Duration duration, int runs, int[] threadCounts) {
        this.redis = redis;
        this.peers = peers;
        this.report = report;
        this.duration = duration;
        this.warmup = Duration.ofMillis(Math.max(500, duration.toMillis() / 3));
        this.runs = runs;
        this.threadCounts = threadCounts;
    }

    /** One implementation of a case: its row name and the operation each thread repeats. */
    record Impl(String name, Supplier<Measurement.Op> op) {
    }

    void line(String s) {
        report.line(s);
    }

    /**
     * Measures the implementations of one case {@code runs} times each, interleaved (A B C A B C ...), so that drift
     * of this shared machine hits all of them alike; prints each one's medians.
     */
    void measure(String kase, int threads, List<Impl> impls) throws Exception {
        measure(kase, threads, runs, impls);
    }

    void measure(String kase, int threads, int runs, List<Impl> impls) throws Exception {
        List<List<Measurement.Result>> rs = new ArrayList<>();
        impls.forEach(i -> rs.add(new ArrayList<>()));
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < impls.size(); i++) {
                rs.get(i).add(Measurement.run(redis, threads, warmup, duration, impls.get(i).op()));
            }
        }
        for (int i = 0; i < impls.size(); i++) {
            List<Measurement.Result> runsOf = rs.get(i);
            Measurement.Result m = new Measurement.Result(
                    Report.median(runsOf.stream().mapToDouble(Measurement.Result::opsPerSec).toArray()),
                    Report.median(runsOf.stream().mapToDouble(Measurement.Result::p50).toArray()),
                    Report.median(runsOf.stream().mapToDouble(Measurement.Result::p99).toArray()),
                    Report.median(runsOf.stream().mapToDouble(Measurement.Result::p999).toArray()),
                    Report.median(runsOf.stream().mapToDouble(Measurement.Result::max).toArray()),
                    Report.median(runsOf.stream().mapToDouble(Measurement.Result::evalsPerOp).toArray()),
                    Report.median(runsOf.stream().mapToDouble(Measurement.Result::commandsPerOp).toArray()), 0);
            String name = impls.get(i).name();
            report.put(kase + "|" + name + "|" + threads, m);
            line(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f |", name, threads,
                    m.opsPerSec(), m.p50(), m.p99(), m.p999(), m.evalsPerOp(), m.commandsPerOp()));
        }
    }
}
