package io.limiter.examples;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import java.time.Duration;
import java.util.Optional;

/** The README's keyed limit example, verbatim between the {@code README} markers (see {@link QuickStart}). */
public final class KeyedLimits {
    private KeyedLimits() {
    }

    static void run(String redisUri) {
        // README:begin
        try (LimiterClient client = LimiterClient.create(redisUri)) {
            client.define("exports", LimitPolicy.builder()
                    .keyed(true)                                           // a cap per tenant:
                    .concurrency(5)                                        // 5 exports at once each
                    .rate(100, Duration.ofMinutes(1))                      // and 100 per minute each
                    .build());
            DistributedLimiter tenant = client.limiter("exports").forKey("tenant-42");
            try (Permit p = tenant.acquire(Duration.ofSeconds(10))) {      // tenant-42's cap only
                System.out.println("exporting for " + tenant.key().orElseThrow());
            }
            Optional<Permit> other = client.limiter("exports").forKey("tenant-7").tryAcquire();
            other.ifPresent(Permit::close);                                // idle keys leave nothing in Redis
        }
        // README:end
    }
}
