package io.limiter.bench;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The workloads of the multi-process benchmark, each with its fixed limit and load per child process. A blocking
 * workload runs tasks under a permit; the rate workload calls {@code tryAcquire} every millisecond.
 */
enum Workload {
    /** Contention handoff: cap 5, 16 threads per process, tasks of 2–9 ms (uniform). */
    HANDOFF(5, 16, 2, 9, List.of("ours", "rsemaphore", "rpermit")),
    /** Equally hungry instances: cap 3, 8 threads per process, 5 ms tasks; a fair and a non-fair limit of ours. */
    FAIR(3, 8, 5, 5, List.of("ours", "ours-fair", "rsemaphore", "rpermit")),
    /** Rate: 50/s with burst 10, 8 threads per process each calling tryAcquire, then sleeping 1 ms. */
    RATE(0, 8, 0, 0, List.of("ours", "rratelimiter", "bucket4j", "bucket4j-batch"));

    static final long RATE_PER_SECOND = 50;
    static final long BURST = 10;

    final int permits;
    final int threads;
    final int minTaskMillis;
    final int maxTaskMillis;
    final List<String> impls;

    Workload(int permits, int threads, int minTaskMillis, int maxTaskMillis, List<String> impls) {
        this.permits = permits;
        this.threads = threads;
        this.minTaskMillis = minTaskMillis;
        this.maxTaskMillis = maxTaskMillis;
        this.impls = impls;
    }

    boolean blocking() {
        return this != RATE;
    }

    long taskMillis() {
        return ThreadLocalRandom.current().nextInt(minTaskMillis, maxTaskMillis + 1);
    }

    /** Mean task time of this workload in ms, what the cap would deliver per permit with zero handoff delay. */
    double meanTaskMillis() {
        return (minTaskMillis + maxTaskMillis) / 2.0;
    }
}
