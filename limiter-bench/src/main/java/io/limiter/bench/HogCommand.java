package io.limiter.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Hidden {@code hog} subcommand: a process that keeps {@code --threads} threads busy on the CPU until its stdin
 * closes (the parent ends it, or died) or at most 30 minutes.
 */
@Command(name = "hog", hidden = true, description = "Keeps K threads busy until stdin closes (multi-process bench).")
final class HogCommand implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "2", paramLabel = "K", description = "Busy threads")
    int threads;

    static volatile long sink;

    @Override
    public Integer call() throws Exception {
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                long x = System.nanoTime();
                while (true) {
                    for (int j = 0; j < 1_000_000; j++) {
                        x = x * 6364136223846793005L + 1442695040888963407L;
                    }
                    sink = x;
                }
            }, "hog-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(30 * 60_000L);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(4);
        });
        guard.setDaemon(true);
        guard.start();
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close stdin
        }
        return 0;
    }
}
