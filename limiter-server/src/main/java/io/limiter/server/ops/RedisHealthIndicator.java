package io.limiter.server.ops;

import io.limiter.core.internal.Exceptions;
import io.limiter.server.config.LimiterServerConfig;
import io.limiter.server.redis.RedisConnection;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Publisher;

/** {@code /health} component {@code redis}: UP when a script round trip works (with its latency), else DOWN. */
@Singleton
@Readiness
public class RedisHealthIndicator implements HealthIndicator {
    private final RedisConnection redis;
    private final long timeoutMs;

    public RedisHealthIndicator(RedisConnection redis, LimiterServerConfig config) {
        this.redis = redis;
        this.timeoutMs = config.getCommandTimeout().toMillis();
    }

    @Override
    public Publisher<HealthResult> getResult() {
        long start = System.nanoTime();
        CompletableFuture<HealthResult> result = redis.store().ping()
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .handle((redisTime, e) -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("uri", redis.displayUri());
                    details.put("embedded", redis.isEmbedded());
                    if (e != null) {
                        Throwable cause = Exceptions.unwrap(e);
                        details.put("error", cause instanceof TimeoutException
                                ? "Redis at " + redis.displayUri() + " did not answer within " + timeoutMs + " ms"
                                : String.valueOf(cause.getMessage()));
                        return HealthResult.builder("redis", HealthStatus.DOWN).details(details).build();
                    }
                    details.put("latencyMs", (System.nanoTime() - start) / 1_000_000.0);
                    details.put("redisTime", redisTime.toString());
                    return HealthResult.builder("redis", HealthStatus.UP).details(details).build();
                });
        return Publishers.fromCompletableFuture(result);
    }
}
