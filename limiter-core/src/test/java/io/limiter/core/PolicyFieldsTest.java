package io.limiter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyFieldsTest {

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void parsesEveryFieldAndDefaultsThePeriod() {
        LimitPolicy p = PolicyFields.parse(fields("permits", 10, "lease", "PT20S", "rate", 100L, "burst", 20,
                "fair", true), false);
        assertThat(p).isEqualTo(LimitPolicy.builder().concurrency(10).lease(Duration.ofSeconds(20))
                .rate(100, Duration.ofSeconds(1)).burst(20).fair(true).build());
        assertThat(PolicyFields.of(p)).containsEntry("permits", 10).containsEntry("lease", "PT20S")
                .containsEntry("period", "PT1S").containsEntry("fair", true);
        assertThat(PolicyFields.parse(fields("permits", new BigDecimal("3.0")), false).permits()).isEqualTo(3);
    }

    @Test
    void numbersAsTextOnlyWhenAllowed() {
        assertThat(PolicyFields.parse(fields("permits", "4", "fair", "true"), true).permits()).isEqualTo(4);
        assertThatThrownBy(() -> PolicyFields.parse(fields("permits", "4"), false))
                .hasMessage("permits must be a whole number, was '4'");
    }

    @Test
    void exactMessagesForTypesAndUnknownFields() {
        assertThatThrownBy(() -> PolicyFields.parse(fields("permits", 1.5), false))
                .isInstanceOf(LimiterValidationException.class).hasMessage("permits must be a whole number, was 1.5");
        assertThatThrownBy(() -> PolicyFields.parse(fields("permits", 1, "lease", 30), false))
                .hasMessage("lease must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 30");
        assertThatThrownBy(() -> PolicyFields.parse(fields("permits", 1, "fair", "yes"), true))
                .hasMessage("fair must be true or false, was 'yes'");
        assertThatThrownBy(() -> PolicyFields.parse(fields("period", "1s", "permits", 1), false))
                .hasMessage("period must be set only together with rate, was '1s'");
        assertThatThrownBy(() -> PolicyFields.parse(fields("size", 3), false))
                .hasMessage("size must not be given: a policy has only the fields permits, lease, rate, period, "
                        + "burst, fair, was 3");
        assertThatThrownBy(() -> PolicyFields.parse(fields("permits", 5_000_000_000L), false))
                .hasMessage("permits must be between 1 and 1000000, was 5000000000");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("d", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("d", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("d", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("d", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Durations.parse("timeout", "5 minutes"))
                .hasMessage("timeout must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was '5 minutes'");
        assertThatThrownBy(() -> Durations.parse("timeout", "P"))
                .hasMessage("timeout must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 'P'");
    }

    @Test
    void fairShowsInToStringAndEquality() {
        LimitPolicy fair = LimitPolicy.builder().concurrency(2).fair(true).build();
        assertThat(fair.fair()).isTrue();
        assertThat(fair).isNotEqualTo(LimitPolicy.builder().concurrency(2).build());
        assertThat(fair.toString()).isEqualTo("LimitPolicy{permits=2, lease=PT30S, fair}");
        assertThat(fair.toBuilder().build()).isEqualTo(fair);
    }
}
