package io.limiter.examples;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The README's client quick start, verbatim between the {@code README} markers (imports included):
 * {@code ReadmeSnippetsTest} checks the README against this file, {@code ExamplesIT} runs it against a real Redis,
 * and {@code ConsumerProjectIT} compiles it in a project that only has the installed artifacts.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) {
        run(args.length > 0 ? args[0] : "redis://127.0.0.1:6379");
    }

    static void run(String redisUri) {
        // README:begin
        try (LimiterClient client = LimiterClient.create(redisUri)) {        // e.g. "redis://127.0.0.1:6379"
            // Create-if-absent: returns the policy now in Redis, which may be an operator's.
            LimitPolicy stored = client.define("payments", LimitPolicy.builder()
                    .concurrency(10).lease(Duration.ofSeconds(30))       // at most 10 at once, cluster-wide
                    .rate(100, Duration.ofSeconds(1)).burst(20)           // and at most 100/s, bursts of 20
                    .build());

            DistributedLimiter limiter = client.limiter("payments");

            try (Permit permit = limiter.acquire(Duration.ofSeconds(5))) {   // LimiterTimeoutException after 5 s
                pay();                                                        // lease renewed while this runs
            }                                                                 // released here (queued, see Release)

            Optional<Permit> maybe = limiter.tryAcquire();                    // never waits
            maybe.ifPresent(Permit::close);
            CompletableFuture<Permit> later = limiter.acquireAsync(Duration.ofSeconds(5));
            later.join().close();
            try (Permit heavy = limiter.acquire(3, Duration.ofSeconds(5))) {  // weight 3: 3 permits and 3 tokens
                pay();
            }

            client.replace("payments", LimitPolicy.builder().concurrency(20).build()); // explicit overwrite
        }
        // README:end
    }

    private static void pay() {
        // the work the permit guards
    }
}
