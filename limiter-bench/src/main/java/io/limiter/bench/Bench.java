package io.limiter.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One run, one Redis, one JVM: our client next to Redisson, Bucket4j and the raw Redis floor, on the same
 * workloads. Prints a table with ratios and writes it as Markdown. Each case is its own class
 * ({@link FloorCase}, {@link PairCase}, {@link RateCase}, {@link HandoffCase}, {@link ScaleCase},
 * {@link KeyedCase}). The
 * {@code multi} subcommand ({@link MultiBench}) runs several client processes against one Redis instead.
 *
 * <pre>
 * java -jar limiter-bench/target/limiter-bench.jar [--redis URI] [--seconds 3] [--runs 3] [--threads 1,16,64]
 *                                                   [--only pair,keyed] [--out FILE]     (--help for details)
 * </pre>
 */
@Command(name = "limiter-bench", mixinStandardHelpOptions = true, sortOptions = false,
        version = "limiter-bench 0.1.0", subcommands = {MultiBench.class, ChildCommand.class, HogCommand.class},
        description = "Runs our client, Redisson, Bucket4j and the raw Redis floor on the same workloads against "
                + "one Redis, prints a table with ratios and writes it as Markdown.")
public final class Bench implements Callable<Integer> {
    static final List<String> CASES = List.of("floor", "pair", "rate", "handoff", "scale", "keyed");

    @Option(names = "--redis", paramLabel = "URI",
            description = "Redis to use (default: start an own redis-server on a free port)")
    String redisUri;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "Seconds per measurement (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N",
            description = "Runs per measurement; the table shows their median (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--threads", split = ",", defaultValue = "1,16,64", paramLabel = "N",
            description = "Client thread counts (default: ${DEFAULT-VALUE})")
    int[] threads;

    @Option(names = "--only", split = ",", paramLabel = "CASE",
            description = "Cases to run, of floor, pair, rate, handoff, scale, keyed (default: all)")
    List<String> only = List.of();

    @Option(names = "--keyed-keys", defaultValue = "1000000", paramLabel = "N",
            description = "keyed: key space the calls are drawn from, Zipf-like (default: ${DEFAULT-VALUE})")
    int keyedKeys;

    @Option(names = "--keyed-active", defaultValue = "10000", paramLabel = "N",
            description = "keyed: active keys per part for the bytes per key (default: ${DEFAULT-VALUE})")
    int keyedActive;

    @Option(names = "--keyed-idle", defaultValue = "1000000", paramLabel = "N",
            description = "keyed: distinct keys used once, then checked to leave nothing in Redis; 0 skips it "
                    + "(default: ${DEFAULT-VALUE})")
    int keyedIdle;

    @Option(names = "--keyed-expiry-wait", defaultValue = "3", paramLabel = "S",
            description = "keyed: seconds to wait for idle keys to expire after a run (default: ${DEFAULT-VALUE}; "
                    + "the idle keys wait up to 60 s)")
    double keyedExpiryWait;

    @Option(names = "--out", defaultValue = "limiter-bench/target/bench-results.md", paramLabel = "FILE",
            description = "Markdown copy of the results (default: ${DEFAULT-VALUE})")
    Path out;

    @Spec
    CommandSpec spec;

    /** Runs the benchmark; exits 0, 1 if the run failed, 2 for bad options. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Report report = new Report();
        try (BenchRedis redis = BenchRedis.start(redisUri); Peers peers = new Peers(redis.uri)) {
            BenchRun run = new BenchRun(redis, peers, report, Duration.ofMillis(Math.round(seconds * 1000)), runs,
                    threads);
            runAll(run);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.markdown(), StandardCharsets.UTF_8);
        System.out.println("\nMarkdown written to " + out.toAbsolutePath());
        return 0;
    }

    private void validate() {
        if (!(seconds >= 0.1)) {
            throw new ParameterException(spec.commandLine(), "--seconds must be at least 0.1, was " + seconds);
        }
        if (runs < 1) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, was " + runs);
        }
        for (int t : threads) {
            if (t < 1) {
                throw new ParameterException(spec.commandLine(), "--threads must all be at least 1, was " + t);
            }
        }
        if (keyedKeys < 1000) {
            throw new ParameterException(spec.commandLine(), "--keyed-keys must be at least 1000, was " + keyedKeys);
        }
        if (keyedActive < 1) {
            throw new ParameterException(spec.commandLine(), "--keyed-active must be at least 1, was "
                    + keyedActive);
        }
        if (keyedIdle < 0) {
            throw new ParameterException(spec.commandLine(), "--keyed-idle must be 0 or more, was " + keyedIdle);
        }
        if (!(keyedExpiryWait >= 0)) {
            throw new ParameterException(spec.commandLine(), "--keyed-expiry-wait must be 0 or more, was "
                    + keyedExpiryWait);
        }
        for (String c : only) {
            if (!CASES.contains(c)) {
                throw new ParameterException(spec.commandLine(), "--only must name cases of " + CASES + ", was '"
                        + c + "'");
            }
        }
    }

    private boolean wanted(String c) {
        return only.isEmpty() || only.contains(c);
    }

    private void runAll(BenchRun r) throws Exception {
        r.line("# Distributed Limiter benchmark");
        r.line("");
        r.line(String.format(Locale.ROOT, "%s, Redis %s (%s), Java %s, %d cores; %s per measurement after %s warm-up, "
                        + "median of %d runs.", LocalDate.now(), r.redis.version(), r.redis.description,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), r.duration, r.warmup,
                r.runs));
        r.line("");
        r.line("Latencies in µs per operation. evals/op: script calls (EVAL/EVALSHA) per operation; cmds/op: every "
                + "Redis command, including those run inside scripts.");
        if (wanted("floor") || wanted("pair") || wanted("rate")) {
            FloorCase.run(r);
        }
        if (wanted("pair")) {
            PairCase.run(r);
        }
        if (wanted("rate")) {
            RateCase.run(r);
        }
        if (wanted("handoff")) {
            HandoffCase.run(r);
        }
        if (wanted("scale")) {
            ScaleCase.run(r);
        }
        if (wanted("keyed")) {
            Duration wait = Duration.ofMillis(Math.round(keyedExpiryWait * 1000));
            KeyedCase.run(r, keyedKeys, wait);
            KeyedMemory.run(r, keyedActive, keyedIdle, wait);
        }
        Targets.print(r.report);
    }
}
