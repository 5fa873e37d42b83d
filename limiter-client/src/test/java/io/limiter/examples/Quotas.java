package io.limiter.examples;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.CalendarWindow;
import io.limiter.core.LimitPolicy;
import java.time.ZoneId;
import java.util.Optional;

/** The README's calendar quota example, verbatim between the {@code README} markers (see {@link QuickStart}). */
public final class Quotas {
    private Quotas() {
    }

    static void run(String redisUri) {
        // README:begin
        try (LimiterClient client = LimiterClient.create(redisUri)) {
            client.define("reports", LimitPolicy.builder()
                    .concurrency(2)                                        // 2 at once, cluster-wide
                    .quota(10_000, CalendarWindow.DAY)                     // and 10,000 per day,
                    .zone(ZoneId.of("Europe/Berlin"))                      // reset at midnight in Berlin
                    .build());
            DistributedLimiter reports = client.limiter("reports");
            Optional<Permit> permit = reports.tryAcquire(5);               // 5 units of today's quota
            permit.ifPresent(Permit::close);                               // units are spent, permits come back
            System.out.println(permit.isPresent() ? "granted" : "today's quota is used up");
        }
        // README:end
    }
}
