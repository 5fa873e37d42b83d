package io.limiter.micronaut.internal;

import io.limiter.core.internal.Exceptions;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;

/**
 * {@code /health} component {@code limiter}: UP when a script round trip to the limiter's Redis works (with its
 * latency and the declared limits not yet defined), DOWN with the error otherwise. Present when the application
 * has {@code micronaut-management}.
 */
@Singleton
@Requires(classes = HealthIndicator.class)
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
class LimiterHealthIndicator implements HealthIndicator {
    static final String NAME = "limiter";

    private final LimiterRuntime runtime;
    private final DeclaredLimits declared;

    LimiterHealthIndicator(LimiterRuntime runtime, DeclaredLimits declared) {
        this.runtime = runtime;
        this.declared = declared;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        long start = System.nanoTime();
        CompletableFuture<HealthResult> result = runtime.store().ping()
                .orTimeout(runtime.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((redisTime, e) -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("instanceId", runtime.client().instanceId());
                    if (!declared.pending().isEmpty()) {
                        details.put("undefinedDeclaredLimits", declared.pending());
                    }
                    if (e != null) {
                        details.put("error", String.valueOf(Exceptions.unwrap(e).getMessage()));
                        return HealthResult.builder(NAME, HealthStatus.DOWN).details(details).build();
                    }
                    details.put("latencyMs", (System.nanoTime() - start) / 1_000_000.0);
                    return HealthResult.builder(NAME, HealthStatus.UP).details(details).build();
                });
        return Publishers.fromCompletableFuture(result);
    }
}
