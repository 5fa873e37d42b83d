package io.limiter.bench;

import io.limiter.client.DistributedLimiter;
import io.limiter.core.LimitPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RSemaphore;

/** Case 2: a non-blocking permit pair (acquire + release) that never runs dry, ours beside Redisson's semaphores. */
final class PairCase {
    private PairCase() {
    }

    static void run(BenchRun r) throws Exception {
        r.report.section("2. Non-blocking permit pair (acquire + release)");
        r.peers.ours.replace("pair", LimitPolicy.builder().concurrency(1_000_000).lease(Duration.ofSeconds(30))
                .build());
        DistributedLimiter limiter = r.peers.ours.limiter("pair");
        RPermitExpirableSemaphore rx = r.peers.redisson.getPermitExpirableSemaphore("rx-pair");
        rx.delete();
        rx.trySetPermits(1_000_000);
        RSemaphore rs = r.peers.redisson.getSemaphore("rs-pair");
        rs.delete();
        rs.trySetPermits(1_000_000);
        for (int t : r.threadCounts) {
            r.measure("pair", t, List.of(
                    new BenchRun.Impl("ours tryAcquire()+close()",
                            () -> () -> limiter.tryAcquire().orElseThrow().close()),
                    new BenchRun.Impl("Redisson RPermitExpirableSemaphore", () -> () -> {
                        String id = rx.tryAcquire(0, 30, TimeUnit.SECONDS);
                        rx.release(id);
                    }),
                    new BenchRun.Impl("Redisson RSemaphore", () -> () -> {
                        if (!rs.tryAcquire()) {
                            throw new IllegalStateException("RSemaphore denied");
                        }
                        rs.release();
                    })));
        }
    }
}
