package io.limiter.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code multi} subcommand: N client JVMs against one Redis (an own standalone redis-server and an own local
 * 3-master Redis Cluster), ours beside Redisson and Bucket4j, on the workloads of {@link Workload}, quiet and
 * under a CPU hog in another process. Blocks for minutes; every process it starts is stopped when it ends.
 */
@Command(name = "multi", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs N client processes against one Redis (standalone and a local 3-master Redis Cluster, "
                + "each started here on loopback): cross-process handoff, fairness between equally hungry processes, "
                + "rate delivered against the policy's bound, and the same under a CPU hog. Prints one table per "
                + "workload and writes it as Markdown.")
final class MultiBench implements Callable<Integer> {
    static final List<String> CASES = List.of("handoff", "fair", "rate", "hog");
    static final List<String> SETUPS = List.of("standalone", "cluster");

    @Option(names = "--processes", defaultValue = "3", paramLabel = "N",
            description = "Client processes (JVMs) per measurement (default: ${DEFAULT-VALUE})")
    int processes;

    @Option(names = "--seconds", defaultValue = "4", paramLabel = "S",
            description = "Whole seconds per measurement (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--only", split = ",", paramLabel = "CASE",
            description = "Cases to run, of handoff, fair, rate, hog (hog reruns handoff and rate beside a CPU hog "
                    + "and also runs them quietly, for the ratio) (default: all)")
    List<String> only = List.of();

    @Option(names = "--on", split = ",", paramLabel = "REDIS", defaultValue = "standalone,cluster",
            description = "Redis setups, of standalone, cluster (default: ${DEFAULT-VALUE})")
    List<String> on;

    @Option(names = "--hog-threads", defaultValue = "2", paramLabel = "K",
            description = "Busy threads of the CPU hog process (default: ${DEFAULT-VALUE})")
    int hogThreads;

    @Option(names = "--out", defaultValue = "limiter-bench/target/bench-multi.md", paramLabel = "FILE",
            description = "Markdown copy of the results (default: ${DEFAULT-VALUE}); child logs go beside it")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        Path logs = out.toAbsolutePath().getParent().resolve("bench-multi-logs");
        Report report = new Report();
        List<MultiRow> rows = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (String setup : on) {
            try (Setup s = Setup.start(setup)) {
                described.add(setup + ": Redis " + s.version + ", " + s.description);
                for (Workload w : List.of(Workload.HANDOFF, Workload.FAIR, Workload.RATE)) {
                    if (wanted(w.name().toLowerCase(Locale.ROOT)) || (wanted("hog") && w != Workload.FAIR)) {
                        measure(s, setup, w, false, rows, logs);
                    }
                }
                if (wanted("hog")) {
                    Children.Child hog = Children.start(List.of("hog", "--threads", Integer.toString(hogThreads)),
                            logs.resolve("hog.log"));
                    try {
                        Thread.sleep(1000);
                        measure(s, setup, Workload.HANDOFF, true, rows, logs);
                        measure(s, setup, Workload.RATE, true, rows, logs);
                    } finally {
                        hog.stop();
                    }
                }
            }
        }
        report.line("# Distributed Limiter multi-process benchmark");
        report.line("");
        report.line(String.format(Locale.ROOT, "%s, Java %s, %d cores, load average %.1f at the end; %d client "
                        + "processes per measurement, %d s per measurement; CPU hog: %d busy threads.", LocalDate.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), processes, seconds, hogThreads));
        described.forEach(d -> report.line("- " + d));
        report.line("");
        report.line("Each process is a fresh JVM that opens its client and reads the limit once before the window; "
                + "all start together. Waits from HdrHistogram, merged over the processes.");
        new MultiTables(report, rows, on).print();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.markdown(), StandardCharsets.UTF_8);
        System.out.println("\nMarkdown written to " + out.toAbsolutePath());
        return rows.stream().anyMatch(r -> r.failure() != null) ? 1 : 0;
    }

    private void measure(Setup s, String setup, Workload w, boolean hog, List<MultiRow> rows, Path logs)
            throws Exception {
        for (String impl : w.impls) {
            String limit = "mp-" + w.name().toLowerCase(Locale.ROOT) + "-" + impl + (hog ? "-hog" : "");
            String tag = setup + "-" + limit;
            System.err.printf(Locale.ROOT, "[multi] %s on %s%s, %d processes ...%n", Contender.displayName(impl, w),
                    setup, hog ? " beside the CPU hog" : "", processes);
            Contender.define(s.uri, impl, limit, w);
            List<List<String>> args = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                args.add(List.of("child", "--uri", s.uri, "--workload", w.name(), "--impl", impl, "--limit", limit,
                        "--seconds", Integer.toString(seconds)));
            }
            try {
                rows.add(new MultiRow(setup, w, impl, hog, seconds, Children.run(args, seconds, logs, tag), null));
            } catch (IllegalStateException e) {
                System.err.println("[multi] " + e.getMessage());
                rows.add(new MultiRow(setup, w, impl, hog, seconds, List.of(), e.getMessage()));
            }
        }
    }

    private boolean wanted(String c) {
        return only.isEmpty() || only.contains(c);
    }

    private void validate() {
        if (processes < 1 || processes > 32) {
            throw new ParameterException(spec.commandLine(), "--processes must be between 1 and 32, was " + processes);
        }
        if (seconds < 2 || seconds > 600) {
            throw new ParameterException(spec.commandLine(), "--seconds must be between 2 and 600, was " + seconds);
        }
        if (hogThreads < 1) {
            throw new ParameterException(spec.commandLine(), "--hog-threads must be at least 1, was " + hogThreads);
        }
        for (String c : only) {
            if (!CASES.contains(c)) {
                throw new ParameterException(spec.commandLine(), "--only must name cases of " + CASES + ", was '"
                        + c + "'");
            }
        }
        for (String s : on) {
            if (!SETUPS.contains(s)) {
                throw new ParameterException(spec.commandLine(), "--on must name Redis setups of " + SETUPS
                        + ", was '" + s + "'");
            }
        }
    }

    /** One Redis setup of our own: a standalone redis-server or a local 3-master cluster. */
    private record Setup(String uri, String version, String description, AutoCloseable server)
            implements AutoCloseable {
        static Setup start(String which) throws Exception {
            if (which.equals("standalone")) {
                BenchRedis r = BenchRedis.start(null);
                return new Setup(r.uri, r.version(), r.description, r);
            }
            BenchCluster c = BenchCluster.start(3);
            return new Setup(c.uri(), c.version(), c.description(), c);
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
