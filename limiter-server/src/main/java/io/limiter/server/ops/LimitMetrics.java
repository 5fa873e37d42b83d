package io.limiter.server.ops;

import io.limiter.core.LimitPolicy;
import io.limiter.core.redis.LimitState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Per-limit meters whose values come from Redis-side state (so they are cluster-wide, not per JVM), tagged
 * {@code limit}: gauges {@code limiter.permits.in.use}, {@code limiter.permits.cap}, {@code limiter.holders} (only
 * for a limit with a concurrency part), {@code limiter.tokens.available}, {@code limiter.tokens.burst} (only for a
 * limit with a rate part: an absent part has no series, so an alert on "no tokens" never fires for a
 * concurrency-only limit), {@code limiter.quota.used}, {@code limiter.quota.limit}, {@code limiter.quota.reset.seconds}
 * (only for a limit with a quota: units used in the current window, the quota, seconds until the window ends); counters
 * {@code limiter.grants}, {@code limiter.denials}, {@code limiter.expired.leases}, {@code limiter.forced.releases},
 * {@code limiter.releases}, {@code limiter.lost.renewals}. In Prometheus: {@code limiter_permits_in_use},
 * {@code limiter_grants_total}, and so on.
 */
@Singleton
public class LimitMetrics {
    private final MeterRegistry registry;
    private final Map<String, Values> limits = new ConcurrentHashMap<>();

    public LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The latest values of one limit. */
    static final class Values {
        final boolean concurrency;
        final boolean rate;
        final boolean quota;
        volatile double inUse;
        volatile double quotaUsed;
        volatile double quotaLimit;
        volatile double quotaResetSeconds;
        volatile double cap;
        volatile double tokens;
        volatile double burst;
        volatile double holders;
        volatile Map<String, Long> counters = Map.of();
        final List<Meter> meters = new ArrayList<>();

        Values(boolean concurrency, boolean rate, boolean quota) {
            this.concurrency = concurrency;
            this.rate = rate;
            this.quota = quota;
        }

        double counter(String name) {
            return counters.getOrDefault(name, 0L);
        }
    }

    void update(List<LimitState> states) {
        Set<String> present = new HashSet<>();
        for (LimitState s : states) {
            present.add(s.name());
            LimitPolicy p = s.policy();
            Values v = limits.get(s.name());
            if (v == null || v.concurrency != p.hasConcurrency() || v.rate != p.hasRate()
                    || v.quota != p.hasQuota()) {
                // New, or the policy gained or lost a part: its series follow.
                if (v != null) {
                    v.meters.forEach(registry::remove);
                }
                v = register(s.name(), p.hasConcurrency(), p.hasRate(), p.hasQuota());
                limits.put(s.name(), v);
            }
            v.inUse = s.permitsInUse();
            v.cap = s.policy().permits();
            v.tokens = Double.isNaN(s.tokens()) ? 0 : s.tokens();
            v.burst = s.policy().burst();
            v.holders = s.holderCount();
            if (p.hasQuota()) {
                v.quotaUsed = s.quotaUsed();
                v.quotaLimit = p.quota();
                v.quotaResetSeconds = Math.max(0, Duration.between(s.readAt(), s.quotaResetAt()).toMillis() / 1000.0);
            }
            v.counters = s.counters();
        }
        for (String gone : new HashSet<>(limits.keySet())) {
            if (!present.contains(gone)) {
                Values v = limits.remove(gone);
                v.meters.forEach(registry::remove);
            }
        }
    }

    private Values register(String limit, boolean concurrency, boolean rate, boolean quota) {
        Values v = new Values(concurrency, rate, quota);
        if (concurrency) {
            gauge(v, limit, "limiter.permits.in.use", "Permits held now, cluster-wide (sum of weights)", x -> x.inUse);
            gauge(v, limit, "limiter.permits.cap", "The limit's permits", x -> x.cap);
            gauge(v, limit, "limiter.holders", "Permits held now (count, not weight)", x -> x.holders);
        }
        if (rate) {
            gauge(v, limit, "limiter.tokens.available", "Tokens in the bucket now", x -> x.tokens);
            gauge(v, limit, "limiter.tokens.burst", "Bucket capacity", x -> x.burst);
        }
        if (quota) {
            gauge(v, limit, "limiter.quota.used", "Quota units used in the current calendar window", x -> x.quotaUsed);
            gauge(v, limit, "limiter.quota.limit", "Quota units allowed per calendar window", x -> x.quotaLimit);
            gauge(v, limit, "limiter.quota.reset.seconds", "Seconds until the quota's window ends",
                    x -> x.quotaResetSeconds);
        }
        counter(v, limit, "limiter.grants", "Acquires granted", "grants");
        counter(v, limit, "limiter.denials", "Acquire attempts denied", "denials");
        counter(v, limit, "limiter.expired.leases", "Permits reclaimed because their lease ran out", "expired");
        counter(v, limit, "limiter.forced.releases", "Permits force-released by an operator", "forced");
        counter(v, limit, "limiter.releases", "Permits released by their holder", "released");
        counter(v, limit, "limiter.lost.renewals", "Renewals of permits no longer held", "lost_renewals");
        return v;
    }

    private void gauge(Values v, String limit, String name, String help, ToDoubleFunction<Values> f) {
        v.meters.add(Gauge.builder(name, v, f).description(help).tag("limit", limit).register(registry));
    }

    private void counter(Values v, String limit, String name, String help, String field) {
        v.meters.add(FunctionCounter.builder(name, v, x -> x.counter(field)).description(help).tag("limit", limit)
                .register(registry));
    }
}
