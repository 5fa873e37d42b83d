package io.limiter.examples;

import io.limiter.client.LimiterClient;
import io.limiter.client.LimiterListener;
import io.limiter.client.Permit;
import java.util.function.Consumer;

/** The README's listener example (see {@link QuickStart} for how it is kept true). */
public final class Listeners {
    private Listeners() {
    }

    static LimiterClient client(String redisUri, Consumer<String> alerts) {
        // README:begin
        LimiterClient client = LimiterClient.builder()
                .redisUri(redisUri)
                .listener(new LimiterListener() {                  // every method has a default: pick yours
                    @Override
                    public void onLeaseLost(Permit permit) {       // the work may now run beyond the cap
                        alerts.accept("lease of " + permit.id() + " lost");
                    }

                    @Override
                    public void onRedisUnavailable(Throwable cause) {
                        alerts.accept("limiter: Redis unreachable: " + cause.getMessage());
                    }
                })
                .build();
        // README:end
        return client;
    }
}
