package io.limiter.bench;

import java.util.List;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * One implementation's group of child processes on one Redis in one workload: their results, and the figures the
 * tables show, computed from them. {@code failure} is set instead when the group did not finish.
 */
record MultiRow(String redis, Workload workload, String impl, boolean hog, int seconds, List<ChildResult> children,
        String failure) {

    String name() {
        return Contender.displayName(impl, workload);
    }

    /** Grants inside the window, over all processes. */
    long grantsInWindow() {
        return children.stream().mapToLong(c -> IntStream.range(0, seconds).mapToLong(i -> c.grantsPerSecond()[i])
                .sum()).sum();
    }

    double tasksPerSecond() {
        return grantsInWindow() / (double) seconds;
    }

    double meanHoldSeconds() {
        long holds = children.stream().mapToLong(ChildResult::holds).sum();
        return children.stream().mapToLong(ChildResult::holdNanos).sum() / 1e9 / Math.max(1, holds);
    }

    /** The task rate the cap allows with the tasks' measured hold time and no time lost between holders. */
    double idealTasksPerSecond() {
        return workload.permits / meanHoldSeconds();
    }

    /** Share of the cap's permit-seconds in the window that tasks held, in %. */
    double busyPercent() {
        return 100.0 * children.stream().mapToLong(ChildResult::busyNanos).sum()
                / (workload.permits * seconds * 1e9);
    }

    Histogram waits() {
        Histogram h = ChildResult.newHistogram();
        children.forEach(c -> h.add(c.waits()));
        return h;
    }

    /**
     * Jain's fairness index of the grants per process in each full 1 s window, (Σx)² / (n Σx²): 1 when all get the
     * same, 1/n when one gets all. A window without any grant has no share to judge and is left out (the grants/s
     * column shows it); an empty array when every window was.
     */
    double[] jainPerWindow() {
        return IntStream.range(0, seconds).filter(w -> children.stream().anyMatch(c -> c.grantsPerSecond()[w] > 0))
                .mapToDouble(w -> {
                    double sum = 0;
                    double squares = 0;
                    for (ChildResult c : children) {
                        sum += c.grantsPerSecond()[w];
                        squares += (double) c.grantsPerSecond()[w] * c.grantsPerSecond()[w];
                    }
                    return sum * sum / (children.size() * squares);
                }).toArray();
    }

    long grantsInFirstSecond() {
        return children.stream().mapToLong(c -> c.grantsPerSecond()[0]).sum();
    }

    long grantsTotal() {
        return children.stream().mapToLong(ChildResult::grants).sum();
    }

    /** The measured window of the rate workload: from the start to the last call's return, in seconds. */
    double windowSeconds() {
        return children.stream().mapToLong(ChildResult::lastNanos).max().orElse(0) / 1e9;
    }

    /**
     * What the policy allows over {@code s} seconds from a full bucket: burst + rate x time for a token bucket,
     * rate x started seconds for Redisson's window.
     */
    double allowed(double s) {
        return impl.equals("rratelimiter") ? Workload.RATE_PER_SECOND * Math.ceil(s)
                : Workload.BURST + Workload.RATE_PER_SECOND * s;
    }

    /** Grants against what the policy allows in the run's seconds, in %. */
    double ratePercent() {
        return 100.0 * grantsTotal() / allowed(seconds);
    }
}
