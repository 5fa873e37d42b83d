package io.limiter.client.metrics;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterListener;
import io.limiter.client.Permit;
import io.limiter.client.RedisDownPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client-side Micrometer metrics, tagged {@code limit}: timers {@code limiter.client.acquire.latency} (one Redis
 * acquire round trip, tagged {@code result=granted|denied}) and {@code limiter.client.wait} (from an acquire call to
 * its permit); counters {@code limiter.client.grants}, {@code limiter.client.denials} (denied attempts),
 * {@code limiter.client.timeouts}, {@code limiter.client.leases.lost}, {@code limiter.client.local.grants} (tagged
 * {@code policy}) and {@code limiter.client.redis.outages}; gauges {@code limiter.client.permits.held} and
 * {@code limiter.client.waiting}. Micrometer is an optional dependency: add {@code io.micrometer:micrometer-core}.
 *
 * <pre>{@code
 * LimiterClient.builder().redisUri(uri).listener(new MicrometerLimiterMetrics(registry)).build();
 * }</pre>
 */
public final class MicrometerLimiterMetrics implements LimiterListener {
    private final MeterRegistry registry;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    public MicrometerLimiterMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void onAttempt(DistributedLimiter limiter, Duration roundTrip, boolean granted) {
        gauges(limiter);
        Timer.builder("limiter.client.acquire.latency").description("One acquire round trip to Redis")
                .tag("limit", limiter.name()).tag("result", granted ? "granted" : "denied")
                .register(registry).record(roundTrip);
        if (!granted) {
            counter("limiter.client.denials", "Acquire attempts denied by Redis", limiter.name()).increment();
        }
    }

    @Override
    public void onAcquired(DistributedLimiter limiter, Permit permit, Duration waited) {
        Timer.builder("limiter.client.wait").description("From an acquire call to its permit")
                .tag("limit", limiter.name()).register(registry).record(waited);
        counter("limiter.client.grants", "Permits granted", limiter.name()).increment();
    }

    @Override
    public void onTimeout(DistributedLimiter limiter, int weight, Duration waited) {
        gauges(limiter);
        counter("limiter.client.timeouts", "Acquires that got no permit in time", limiter.name()).increment();
    }

    @Override
    public void onLeaseLost(Permit permit) {
        counter("limiter.client.leases.lost", "Held permits whose lease was lost", permit.limit()).increment();
    }

    @Override
    public void onLocalGrant(DistributedLimiter limiter, Permit permit, RedisDownPolicy policy) {
        gauges(limiter);
        Counter.builder("limiter.client.local.grants").description("Permits granted locally while Redis was down")
                .tag("limit", limiter.name()).tag("policy", policy.name()).register(registry).increment();
    }

    @Override
    public void onRedisUnavailable(Throwable cause) {
        Counter.builder("limiter.client.redis.outages").description("Times Redis became unreachable")
                .register(registry).increment();
    }

    private Counter counter(String name, String help, String limit) {
        return Counter.builder(name).description(help).tag("limit", limit).register(registry);
    }

    private void gauges(DistributedLimiter limiter) {
        if (gauged.add(limiter.name())) {
            Gauge.builder("limiter.client.permits.held", limiter, DistributedLimiter::heldCount)
                    .description("Permits this process holds").tag("limit", limiter.name()).register(registry);
            Gauge.builder("limiter.client.waiting", limiter, DistributedLimiter::waitingCount)
                    .description("Acquires waiting in this process").tag("limit", limiter.name()).register(registry);
        }
    }
}
