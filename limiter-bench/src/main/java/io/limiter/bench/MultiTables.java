package io.limiter.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** The tables of the multi-process benchmark, one per workload, implementations and Redis setups side by side. */
final class MultiTables {
    private final Report report;
    private final List<MultiRow> rows;
    private final List<String> redis;

    MultiTables(Report report, List<MultiRow> rows, List<String> redis) {
        this.report = report;
        this.rows = rows;
        this.redis = redis;
    }

    void print() {
        table(Workload.HANDOFF, false, "Contention handoff across processes: cap 5, 16 threads per process, acquire "
                + "-> task of 2-9 ms -> release",
                "| implementation | Redis | busy % of cap | tasks/s | ideal tasks/s | % of ideal | wait p50 ms | "
                        + "wait p99 ms | wait max ms |", 9, r -> {
                    Histogram w = r.waits();
                    cells(r, "%.0f %%|%.0f|%.0f|%.0f %%|%.2f|%.2f|%.1f", r.busyPercent(), r.tasksPerSecond(),
                            r.idealTasksPerSecond(), 100 * r.tasksPerSecond() / r.idealTasksPerSecond(),
                            w.getValueAtPercentile(50) / 1e6, w.getValueAtPercentile(99) / 1e6, w.getMaxValue() / 1e6);
                });
        table(Workload.FAIR, false, "Equally hungry processes: cap 3, 8 threads per process, 5 ms tasks (ideal 600 "
                + "grants/s); Jain's index of the grants per process in each 1 s window",
                "| implementation | Redis | grants/s | grants in the 1st second | Jain mean | Jain worst | windows "
                        + "with grants | grants per process |", 8, r -> {
                    double[] j = r.jainPerWindow();
                    cells(r, "%.0f|%d|%s|%s|%d of %d|%s", r.tasksPerSecond(), r.grantsInFirstSecond(),
                            jain(Arrays.stream(j).average()), jain(Arrays.stream(j).min()), j.length, r.seconds(),
                            r.children().stream().map(c -> Long.toString(c.grants()))
                                    .collect(Collectors.joining(" / ")));
                });
        table(Workload.RATE, false, "Rate: 50/s, burst 10, from a full bucket; 8 threads per process each call "
                + "tryAcquire then sleep 1 ms. Delivered: grants against what the policy allows in the run's seconds; "
                + "bound: what it allows over the measured window (start to the last call's return)",
                "| implementation | Redis | granted | allowed | % of allowed | bound | over the bound | 1st second: "
                        + "granted / allowed |", 8, r -> {
                    long bound = (long) Math.floor(r.allowed(r.windowSeconds()));
                    cells(r, "%d|%d|%.0f %%|%d|%d|%d / %d", r.grantsTotal(), (long) r.allowed(r.seconds()),
                            r.ratePercent(), bound, Math.max(0, r.grantsTotal() - bound), r.grantsInFirstSecond(),
                            (long) r.allowed(1));
                });
        hogTable();
    }

    private void table(Workload w, boolean hog, String title, String header, int columns, Consumer<MultiRow> row) {
        List<MultiRow> of = rows.stream().filter(r -> r.workload() == w && r.hog() == hog).toList();
        if (of.isEmpty()) {
            return;
        }
        report.line("");
        report.line("## " + title);
        report.line("");
        report.line(header);
        report.line("|---|---" + "|---:".repeat(columns - 2) + "|");
        for (String impl : w.impls) {
            for (String on : redis) {
                of.stream().filter(r -> r.impl().equals(impl) && r.redis().equals(on)).findFirst().ifPresent(r -> {
                    if (r.failure() != null) {
                        report.line("| " + r.name() + " | " + on + " | failed: " + r.failure().lines().findFirst()
                                .orElse("") + " |");
                    } else {
                        row.accept(r);
                    }
                });
            }
        }
    }

    private static String jain(OptionalDouble d) {
        return d.isPresent() ? String.format(Locale.ROOT, "%.3f", d.getAsDouble()) : "n/a";
    }

    private void cells(MultiRow r, String format, Object... values) {
        report.line("| " + r.name() + " | " + r.redis() + " | " + String.format(Locale.ROOT, format, values)
                .replace("|", " | ") + " |");
    }

    private void hogTable() {
        List<MultiRow> hogged = rows.stream().filter(MultiRow::hog).toList();
        if (hogged.isEmpty()) {
            return;
        }
        report.line("");
        report.line("## Under a CPU hog (busy threads in another process): handoff busy % and rate % of allowed, "
                + "against the quiet run");
        report.line("");
        report.line("| implementation | Redis | workload | quiet | hog | hog / quiet |");
        report.line("|---|---|---|---:|---:|---:|");
        for (Workload w : List.of(Workload.HANDOFF, Workload.RATE)) {
            for (String impl : w.impls) {
                for (String on : redis) {
                    Optional<MultiRow> quiet = find(w, impl, on, false);
                    Optional<MultiRow> hog = find(w, impl, on, true);
                    if (quiet.isEmpty() || hog.isEmpty()) {
                        continue;
                    }
                    double q = w == Workload.RATE ? quiet.get().ratePercent() : quiet.get().busyPercent();
                    double h = w == Workload.RATE ? hog.get().ratePercent() : hog.get().busyPercent();
                    report.line(String.format(Locale.ROOT, "| %s | %s | %s | %.0f %% | %.0f %% | %.2f |",
                            quiet.get().name(), on, w == Workload.RATE ? "rate" : "handoff", q, h, h / q));
                }
            }
        }
    }

    private Optional<MultiRow> find(Workload w, String impl, String on, boolean hog) {
        return rows.stream().filter(r -> r.workload() == w && r.impl().equals(impl) && r.redis().equals(on)
                && r.hog() == hog && r.failure() == null).findFirst();
    }
}
