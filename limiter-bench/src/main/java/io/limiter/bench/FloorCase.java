package io.limiter.bench;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;

/** Case 1, the floor: raw Lettuce {@code EVALSHA} of {@code return 1} on one shared connection. */
final class FloorCase {
    private FloorCase() {
    }

    static void run(BenchRun r) throws Exception {
        StatefulRedisConnection<String, String> c = r.peers.floorConnection;
        String sha = c.sync().scriptLoad("return 1");
        r.report.section("1. Floor: raw Lettuce EVALSHA of `return 1` on one shared connection");
        for (int t : r.threadCounts) {
            r.measure("floor", t, List.of(new BenchRun.Impl("Lettuce EVALSHA return 1",
                    () -> () -> c.sync().evalsha(sha, ScriptOutputType.INTEGER))));
        }
    }
}
