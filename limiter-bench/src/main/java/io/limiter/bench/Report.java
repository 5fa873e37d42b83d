package io.limiter.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a run prints: every line goes to stdout and to a Markdown copy; results are kept by key for the targets.
 * Not thread-safe (the cases run one after another on the main thread).
 */
final class Report {
    private final StringBuilder md = new StringBuilder();
    private final Map<String, Measurement.Result> results = new LinkedHashMap<>();

    void line(String s) {
        System.out.println(s);
        md.append(s).append('\n');
    }

    void section(String title) {
        line("");
        line("## " + title);
        line("");
        if (title.startsWith("1.") || title.startsWith("2.") || title.startsWith("3.")) {
            tableHeader();
        }
    }

    void tableHeader() {
        line("| implementation | threads | ops/s | p50 µs | p99 µs | p99.9 µs | evals/op | cmds/op |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
    }

    void target(String what, double value, double bound, boolean atLeast) {
        boolean met = atLeast ? value >= bound : value <= bound;
        line(String.format(Locale.ROOT, "| %s | %.2f | %s |", what, value, met ? "yes" : "**no**"));
    }

    void put(String key, Measurement.Result result) {
        results.put(key, result);
    }

    /** The result stored under {@code key}, or null when its case did not run. */
    Measurement.Result get(String key) {
        return results.get(key);
    }

    String markdown() {
        return md.toString();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
