package io.limiter.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Hidden {@code child} subcommand: one client process of the multi-process benchmark. It opens its client, warms
 * it up, prints {@code READY}, waits for {@code GO <epoch ms>} on stdin, runs the workload from then for
 * {@code --seconds}, and prints one {@link ChildResult} line. It ends itself when its stdin closes (the parent
 * died).
 */
@Command(name = "child", hidden = true, description = "One client process of the multi-process benchmark.")
final class ChildCommand implements Callable<Integer> {
    @Option(names = "--uri", required = true)
    String uri;

    @Option(names = "--workload", required = true)
    Workload workload;

    @Option(names = "--impl", required = true)
    String impl;

    @Option(names = "--limit", required = true)
    String limit;

    @Option(names = "--seconds", required = true)
    int seconds;

    @Override
    public Integer call() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Contender c = Contender.open(uri, impl, limit, workload)) {
            c.warmUp();
            System.out.println("READY");
            System.out.flush();
            String go = in.readLine();
            if (go == null || !go.startsWith("GO ")) {
                return 3;
            }
            Thread orphan = new Thread(() -> {
                try {
                    while (in.readLine() != null) {
                        // nothing else is sent
                    }
                } catch (IOException e) {
                    // stdin gone: the same as closed
                }
                Runtime.getRuntime().halt(3);
            }, "stdin-watch");
            orphan.setDaemon(true);
            orphan.start();
            long startNanos = System.nanoTime() + (Long.parseLong(go.substring(3).trim())
                    - System.currentTimeMillis()) * 1_000_000L;
            ChildResult r = run(c, startNanos);
            System.out.println(r.toLine());
            System.out.flush();
        }
        return 0;
    }

    private ChildResult run(Contender c, long start) throws Exception {
        long end = start + seconds * 1_000_000_000L;
        long[] perSecond = new long[seconds + 1];
        long[] sums = new long[4]; // busy, hold, holds, last
        Histogram waits = ChildResult.newHistogram();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < workload.threads; t++) {
            threads.add(new Thread(() -> {
                try {
                    pause(start - System.nanoTime());
                    if (workload.blocking()) {
                        blockingLoop(c, start, end, perSecond, sums, waits);
                    } else {
                        rateLoop(c, start, end, perSecond, sums);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "child-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(impl + " failed in the " + workload + " workload", failure.get());
        }
        return new ChildResult(perSecond, sums[0], sums[1], sums[2], sums[3], waits);
    }

    private void blockingLoop(Contender c, long start, long end, long[] perSecond, long[] sums, Histogram waits)
            throws Exception {
        long busy = 0;
        long hold = 0;
        long holds = 0;
        long last = 0;
        Histogram w = ChildResult.newHistogram();
        long[] mine = new long[perSecond.length];
        while (System.nanoTime() < end) {
            long s = System.nanoTime();
            Runnable release = c.acquire();
            long got = System.nanoTime();
            Thread.sleep(workload.taskMillis());
            long done = System.nanoTime();
            release.run();
            last = System.nanoTime();
            w.recordValue(got - s);
            hold += done - got;
            holds++;
            busy += Math.max(0, Math.min(done, end) - Math.max(got, start));
            mine[slot(got, start)]++;
        }
        merge(perSecond, mine, sums, busy, hold, holds, last - start);
        synchronized (waits) {
            waits.add(w);
        }
    }

    private void rateLoop(Contender c, long start, long end, long[] perSecond, long[] sums) throws Exception {
        long last = 0;
        long[] mine = new long[perSecond.length];
        while (System.nanoTime() < end) {
            boolean granted = c.tryAcquire();
            last = System.nanoTime();
            if (granted) {
                mine[slot(last, start)]++;
            }
            Thread.sleep(1);
        }
        merge(perSecond, mine, sums, 0, 0, 0, last - start);
    }

    private int slot(long at, long start) {
        return (int) Math.min(seconds, Math.max(0, (at - start) / 1_000_000_000L));
    }

    private static synchronized void merge(long[] perSecond, long[] mine, long[] sums, long busy, long hold,
            long holds, long last) {
        for (int i = 0; i < mine.length; i++) {
            perSecond[i] += mine[i];
        }
        sums[0] += busy;
        sums[1] += hold;
        sums[2] += holds;
        sums[3] = Math.max(sums[3], last);
    }

    private static void pause(long nanos) throws InterruptedException {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }
}
