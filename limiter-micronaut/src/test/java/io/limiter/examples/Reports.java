package io.limiter.examples;

import io.limiter.micronaut.Limited;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;

// README:begin
@Singleton
public class Reports {
    @Limited(value = "reports", timeout = "5s")            // waits up to 5 s, else LimiterTimeoutException
    public String build(String query) {                      // the permit is held for the call
        return "report on " + query;
    }

    @Limited("reports")                                      // timeout "0" (default): try once, never wait
    public CompletableFuture<String> buildAsync(String query) {     // held until the future completes or is cancelled
        return CompletableFuture.supplyAsync(() -> "report on " + query);
    }

    @Limited("search") @Limited(value = "reports", weight = 2)    // both or neither, taken in name order
    public Flux<String> export(List<String> rows) {          // taken on subscribe, held until complete, error or cancel
        return Flux.fromIterable(rows);
    }
}
// README:end
