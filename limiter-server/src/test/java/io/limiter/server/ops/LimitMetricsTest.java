package io.limiter.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitPolicy;
import io.limiter.core.redis.LimitState;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A limit's gauges exist for the parts its policy has: an absent part is an absent series, never a 0. */
class LimitMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LimitMetrics metrics = new LimitMetrics(registry);

    private static LimitState state(String name, LimitPolicy policy, double tokens) {
        return new LimitState(name, policy, Instant.EPOCH, 2, tokens, List.of(), 1, Map.of("grants", 3L), 0,
                policy.hasQuota() ? 7 : 0, policy.hasQuota() ? Instant.EPOCH.plusSeconds(90) : null);
    }

    private Set<String> series(String limit) {
        return registry.getMeters().stream().filter(m -> limit.equals(m.getId().getTag("limit")))
                .map(Meter::getId).map(Meter.Id::getName).collect(Collectors.toSet());
    }

    private double gauge(String name, String limit) {
        return registry.get(name).tag("limit", limit).gauge().value();
    }

    @Test
    void eachLimitHasTheSeriesOfItsParts() {
        LimitPolicy concurrency = LimitPolicy.builder().concurrency(4).build();
        LimitPolicy rate = LimitPolicy.builder().rate(10, Duration.ofSeconds(1)).burst(6).build();
        metrics.update(List.of(state("c", concurrency, Double.NaN), state("r", rate, 5.5)));

        assertThat(series("c")).contains("limiter.permits.in.use", "limiter.permits.cap", "limiter.holders",
                "limiter.grants").doesNotContain("limiter.tokens.available", "limiter.tokens.burst");
        assertThat(series("r")).contains("limiter.tokens.available", "limiter.tokens.burst", "limiter.grants")
                .doesNotContain("limiter.permits.in.use", "limiter.permits.cap", "limiter.holders");
        assertThat(gauge("limiter.permits.cap", "c")).isEqualTo(4.0);
        assertThat(gauge("limiter.tokens.available", "r")).isEqualTo(5.5);
    }

    @Test
    void aQuotaHasItsUsedLimitAndResetSeries() {
        LimitPolicy quota = LimitPolicy.builder().quota(100, io.limiter.core.CalendarWindow.HOUR).build();
        metrics.update(List.of(state("q", quota, Double.NaN)));
        assertThat(series("q")).contains("limiter.quota.used", "limiter.quota.limit", "limiter.quota.reset.seconds")
                .doesNotContain("limiter.permits.cap", "limiter.tokens.available");
        assertThat(gauge("limiter.quota.used", "q")).isEqualTo(7.0);
        assertThat(gauge("limiter.quota.limit", "q")).isEqualTo(100.0);
        assertThat(gauge("limiter.quota.reset.seconds", "q")).isEqualTo(90.0);
        assertThat(series("c")).doesNotContain("limiter.quota.used");
    }

    @Test
    void aPolicyThatGainsOrLosesAPartGainsOrLosesItsSeries() {
        metrics.update(List.of(state("x", LimitPolicy.builder().concurrency(4).build(), Double.NaN)));
        metrics.update(List.of(state("x", LimitPolicy.builder().concurrency(4).rate(10, Duration.ofSeconds(1))
                .build(), 7)));
        assertThat(series("x")).contains("limiter.permits.cap", "limiter.tokens.available");
        assertThat(gauge("limiter.tokens.available", "x")).isEqualTo(7.0);

        metrics.update(List.of(state("x", LimitPolicy.builder().rate(10, Duration.ofSeconds(1)).build(), 7)));
        assertThat(series("x")).contains("limiter.tokens.available").doesNotContain("limiter.permits.cap");

        metrics.update(List.of());
        assertThat(series("x")).isEmpty();
    }
}
